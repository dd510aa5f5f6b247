/**
 * The two ways a market reference fails, worded once for the client (`markets.ts`) and the lite reads
 * (`lite/markets.ts`).
 */
import { NosanaError } from '@nosana/core';
import '../errors.js';

/**
 * `CHAIN__MARKET_NOT_FOUND` for text that is neither an address nor a name the network knows.
 *
 * @example
 * ```ts
 * throw unknownMarketError('tpu', 'localnet', ['cpu', 'gpu']);
 * ```
 */
export function unknownMarketError(market: string, network: string, known: string[]): NosanaError {
  const sorted = [...known].sort();
  const shown = sorted.length > 40 ? [...sorted.slice(0, 40), `and ${sorted.length - 40} more`] : sorted;
  return new NosanaError(
    'CHAIN__MARKET_NOT_FOUND',
    `"${market}" is neither a market address nor a known market name on ${network}${
      sorted.length
        ? ` (known: ${shown.join(', ')})`
        : network === 'localnet'
          ? ''
          : ' (no market names are loaded for it: give the address, or load its market directory with `nosana market sync`)'
    }`,
    { market },
  );
}

/**
 * `CHAIN__MARKET_NOT_FOUND` for an address that holds no market of the Jobs program.
 *
 * @example
 * ```ts
 * throw noMarketError(address.toBase58(), 'mainnet');
 * ```
 */
export function noMarketError(address: string, network: string): NosanaError {
  return new NosanaError('CHAIN__MARKET_NOT_FOUND', `no market at ${address} on ${network}`, {
    market: address,
  });
}
