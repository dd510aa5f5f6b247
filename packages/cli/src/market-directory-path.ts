import { join } from 'node:path';
import { nosanaHome } from './localnet-discovery.js';

/**
 * Where the market directory of `network` is stored (`nosana market sync`), apart from market-directory.ts, which
 * loads `@nosana/chain` to check one: the start-up fast path only asks whether there is one.
 *
 * @example
 * ```ts
 * directoryPath('mainnet'); // ~/.nosana/markets/mainnet.json
 * ```
 */
export const directoryPath = (network: string): string =>
  join(nosanaHome(), 'markets', `${network.replace(/[^a-z0-9-]/gi, '_')}.json`);
