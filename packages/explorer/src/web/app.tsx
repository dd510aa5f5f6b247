/** The app shell: header with search and live indicator, and the page for the current URL. */
import { useState } from 'preact/hooks';
import { useLive } from './api.js';
import { JobPage } from './pages/job.js';
import { MarketPage } from './pages/market.js';
import { NodePage } from './pages/node.js';
import { Overview } from './pages/overview.js';
import { SearchPage } from './pages/search.js';
import { Link, navigate, useLocation } from './router.js';

function SearchForm() {
  const [term, setTerm] = useState('');
  return (
    <search>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (term.trim()) navigate(`/search?q=${encodeURIComponent(term.trim())}`);
        }}
      >
        <label for="search" class="sr-only">
          Search by address or CID
        </label>
        <input
          id="search"
          type="search"
          placeholder="Job, market or node address, or CID"
          value={term}
          onInput={(event) => setTerm((event.target as HTMLInputElement).value)}
        />
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

function Page() {
  const { path, query } = useLocation();
  const [, kind, address] = path.split('/');
  if (kind === 'job' && address) return <JobPage key={address} address={address} />;
  if (kind === 'market' && address) return <MarketPage key={address} address={address} />;
  if (kind === 'node' && address) return <NodePage key={address} address={address} />;
  if (kind === 'search') return <SearchPage key={query.get('q')} term={query.get('q') ?? ''} />;
  if (path === '/' || path === '') return <Overview />;
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page at {path}. Go to the <Link href="/">overview</Link>.
      </p>
    </>
  );
}

export function App() {
  const live = useLive();
  return (
    <>
      <header>
        <nav aria-label="main">
          <Link href="/" class="brand">
            Nosana explorer
          </Link>
        </nav>
        <SearchForm />
        <span class={`live ${live ? 'on' : 'off'}`} role="status" data-testid="live">
          {live ? 'live' : 'reconnecting…'}
        </span>
      </header>
      <main>
        <Page />
      </main>
    </>
  );
}
