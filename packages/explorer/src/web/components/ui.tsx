/** Small presentational pieces shared by the pages. */
import type { ComponentChildren } from 'preact';
import type { JobStatus } from '../../api-types.js';
import type { Resource } from '../api.js';
import { shortAddress } from '../format.js';
import { Link } from '../router.js';

/** A job status as a coloured badge (text, not colour alone, carries the meaning). */
export function StatusBadge({ status }: { status: JobStatus }) {
  return (
    <span class={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {status}
    </span>
  );
}

/**
 * A link to a job, market or node page showing a shortened address; its accessible name starts with the kind
 * ("node 9xQe…VFin") and the full address is its title.
 */
export function AddressLink({
  kind,
  address,
  full = false,
}: {
  kind: 'job' | 'market' | 'node';
  address: string;
  full?: boolean;
}) {
  return (
    <Link href={`/${kind}/${address}`} class={full ? 'mono break' : 'mono'} title={address}>
      <span class="sr-only">{kind} </span>
      {full ? address : shortAddress(address)}
    </Link>
  );
}

/** A titled section of a page. */
export function Section({
  title,
  children,
  id,
}: {
  title: string;
  children: ComponentChildren;
  id?: string;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section aria-labelledby={headingId} class="card">
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** Label/value pairs as a definition list. */
export function Facts({ items }: { items: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="facts">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Renders a resource: a loading line, its error (with the indexer's message), or `children(data)`. */
export function Loaded<T>({
  resource,
  what,
  children,
}: {
  resource: Resource<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (resource.data !== undefined) return <>{children(resource.data)}</>;
  if (resource.error)
    return (
      <p class="error" role="alert">
        Cannot load {what}: {resource.error.message}
      </p>
    );
  return (
    <p class="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}
