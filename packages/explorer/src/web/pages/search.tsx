/** Search by job, market or node address, or by a definition or result CID; a single hit opens at once. */
import { useEffect } from 'preact/hooks';
import type { ExplorerSearch } from '../../api-types.js';
import { useResource } from '../api.js';
import { AddressLink, Loaded, Section } from '../components/ui.js';
import { searchKind } from '../format.js';
import { navigate } from '../router.js';

export function SearchPage({ term }: { term: string }) {
  const valid = searchKind(term) !== null;
  const hits = useResource<ExplorerSearch>(valid ? `/api/search?q=${encodeURIComponent(term.trim())}` : null);
  const only = hits.data?.items.length === 1 ? hits.data.items[0] : undefined;
  useEffect(() => {
    if (only) navigate(`/${only.kind}/${only.address}`, true);
  }, [only]);
  return (
    <>
      <h1>Search</h1>
      <Section title="Results">
        {!valid ? (
          <p class="error" role="alert">
            “{term}” is neither an address nor an IPFS CID (Qm…): paste a job, market or node address, or a
            definition or result CID.
          </p>
        ) : (
          <Loaded resource={hits} what="results">
            {({ items }) =>
              items.length === 0 ? (
                <p>Nothing indexed matches {term}.</p>
              ) : (
                <ul>
                  {items.map((hit) => (
                    <li key={`${hit.kind}${hit.address}`}>
                      {hit.kind} <AddressLink kind={hit.kind} address={hit.address} full />
                    </li>
                  ))}
                </ul>
              )
            }
          </Loaded>
        )}
      </Section>
    </>
  );
}
