/**
 * The API requests a page makes as soon as it starts, so the server can announce them with the page itself
 * (`Link: <…>; rel=preload; as=fetch`) and the browser fetches them while it loads the app's script. The overview
 * reads its URLs from here, so the two cannot drift.
 */

/** The overview's first requests. */
export const OVERVIEW_REQUESTS = {
  markets: '/api/markets',
  throughput: '/api/throughput?hours=24',
  jobs: '/api/jobs?limit=10',
} as const;

/**
 * The API paths the page at `path` requests first (none for pages whose requests depend on more than the path).
 *
 * @example
 * ```ts
 * explorerPreloads('/'); // ['/api/markets', '/api/throughput?hours=24', '/api/jobs?limit=10']
 * ```
 */
export function explorerPreloads(path: string): string[] {
  return path === '/' ? Object.values(OVERVIEW_REQUESTS) : [];
}
