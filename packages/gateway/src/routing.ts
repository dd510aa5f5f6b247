/**
 * Pure routing rules of the gateway: which service a request addresses (by Host or by the `/s/<id>/` path
 * fallback), the domain's validation, and the JSON bodies of the gateway's own answers.
 */
import { NosanaError } from '@nosana/core';
import './errors.js';

/** The service id and the path to send to it. */
export interface RequestTarget {
  id: string;
  path: string;
}

/**
 * Lower-cases a wildcard base domain and checks it is a host name.
 *
 * @example
 * ```ts
 * normalizeDomain('Node.Example.com.'); // 'node.example.com'
 * ```
 */
export function normalizeDomain(domain: string): string {
  const normalized = domain.toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(normalized))
    throw new NosanaError(
      'GATEWAY__INVALID_PARAMETERS',
      `"${domain}" is not a domain name; give the wildcard's base, e.g. node.example.com or localhost`,
      { field: 'domain', value: domain },
    );
  return normalized;
}

/**
 * The service a request addresses: `<id>.<domain>` in the Host (HTTP/2: `:authority`), else the path fallback
 * `/s/<id>/…`; null for the gateway's own paths.
 *
 * @example
 * ```ts
 * resolveTarget('abc.localhost:8080', '/x', 'localhost'); // { id: 'abc', path: '/x' }
 * ```
 */
export function resolveTarget(host: string, url: string, domain: string): RequestTarget | null {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  if (name.endsWith(`.${domain}`)) {
    const label = name.slice(0, -domain.length - 1);
    if (label && !label.includes('.')) return { id: label, path: url };
  }
  const fallback = /^\/s\/([1-9A-HJ-NP-Za-km-z]{20,64})(\/.*)?$/s.exec(url);
  if (fallback) {
    const rest = fallback[2] ?? '/';
    return { id: fallback[1] as string, path: rest.startsWith('/') ? rest : `/${rest}` };
  }
  return null;
}

/** The body of a 404 for an unknown service id. */
export const notFoundBody = (id: string) => ({
  error: 'unknown-service',
  message: `no service ${id} on this gateway: the job is not running, has not exposed this port yet, or the id is wrong`,
});

/** The body of a 503 for a service whose health checks have not passed yet. */
export const startingBody = (id: string) => ({
  error: 'service-starting',
  status: 'starting',
  message: `service ${id} is starting: its health checks have not passed yet; retry shortly`,
});

/**
 * The public URL of a service id.
 *
 * @example
 * ```ts
 * serviceUrlOf({ scheme: 'http', domain: 'localhost', port: 8080 })('abc'); // 'http://abc.localhost:8080'
 * ```
 */
export const serviceUrlOf =
  ({ scheme, domain, port }: { scheme: 'http' | 'https'; domain: string; port: number }) =>
  (id: string) =>
    `${scheme}://${id}.${domain}${portSuffix(scheme, port)}`;

/** `:<port>` unless it is the scheme's default. */
export const portSuffix = (scheme: 'http' | 'https', port: number) =>
  port === (scheme === 'https' ? 443 : 80) ? '' : `:${port}`;
