/**
 * `@nosana/explorer` — the Nosana explorer web app (markets, jobs, nodes, live over the indexer's change stream),
 * built into static files. This entry point only tells servers where those files are; the indexer serves them.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type * from './api-types.js';
export { explorerPreloads, OVERVIEW_REQUESTS } from './preloads.js';

/**
 * The directory of the built web app (`dist/web`, holding `index.html`), or undefined when the package was not
 * built (a source checkout before `pnpm build`).
 *
 * @example
 * ```ts
 * const root = explorerRoot(); // '/…/node_modules/@nosana/explorer/dist/web'
 * if (root) await startIndexer({ rpcUrl, wsUrl, dbPath, webRoot: root });
 * ```
 */
export function explorerRoot(): string | undefined {
  // From src/ (sources) and from dist/ (built) alike, the app is in <package>/dist/web.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'web');
  return existsSync(join(root, 'index.html')) ? root : undefined;
}
