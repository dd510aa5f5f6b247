/**
 * How a Market account reads as a market, with any address type (`PublicKey`s in the client's `markets.ts`, base58
 * text in `lite/markets.ts`), and the two ways a market reference fails, worded once for both.
 */
import { NosanaError } from '@nosana/core';
import type { MarketAccount } from '../protocol/account-fields.js';
import { QueueType } from '../protocol/constants.js';
import '../errors.js';

/** A market as clients see it: its account, address, name when the network knows one, and which side waits. */
export type MarketFields<K> = MarketAccount<K> & {
  address: K;
  /** A short name when the network knows one (localnet: `cpu`, `gpu`). */
  name?: string;
  /** Which side waits in the queue. */
  queueKind: 'jobs' | 'nodes' | 'empty';
};

/**
 * A decoded Market account and its address as {@link MarketFields}, named from `names` (name → base58 address);
 * `text` gives an address's base58 form.
 *
 * @example
 * ```ts
 * const market = marketFields(address, decodeMarketFields(data, base58At), names, (k) => k);
 * ```
 */
export function marketFields<K>(
  address: K,
  market: MarketAccount<K>,
  names: Iterable<[string, string]>,
  text: (key: K) => string,
): MarketFields<K> {
  const at = text(address);
  const name = [...names].find(([, a]) => a === at)?.[0];
  const queueKind =
    market.queueType === QueueType.Job ? 'jobs' : market.queueType === QueueType.Node ? 'nodes' : 'empty';
  return { ...market, address, ...(name ? { name } : {}), queueKind };
}

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
