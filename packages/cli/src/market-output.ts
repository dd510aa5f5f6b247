/**
 * How a market is shown: its `--json` form and its human lines (`market list`'s table, `market get`'s details). A
 * market may come from the client (`PublicKey` addresses) or from `@nosana/chain/lite` (base58 text): the start-up
 * fast path shows lite markets with exactly these functions, so both paths print the same.
 */
import { formatNos, pricePerHour } from '@nosana/core';
import { type Colorize, renderDetails, renderTable } from './format.js';

/** A market in `--json` output (amounts in NOS base units, as strings). */
export interface MarketSummary {
  address: string;
  name: string | null;
  /** NOS base units per second. */
  jobPrice: string;
  /** Default (and, in the real program, maximum) job timeout in seconds. */
  jobTimeout: number;
  /** Seconds after which finished jobs may be cleaned. */
  jobExpiration: number;
  /** 0 default, 1 small, 2 medium, 3 large, 4 GPU. */
  jobType: number;
  /** Minimum stake of a node, xNOS base units. */
  nodeXnosMinimum: string;
  /** The NFT collection nodes must hold, or null for an open market. */
  nodeAccessKey: string | null;
  queueKind: 'jobs' | 'nodes' | 'empty';
  queue: string[];
  vault: string;
}

/** An address as either side has it: a `PublicKey` or base58 text. */
export type AddressLike = string | { toBase58(): string };

/** The fields of a market these functions read (the client's `MarketView` and a `LiteMarket` both have them). */
export interface ShownMarket {
  address: AddressLike;
  name?: string;
  jobPrice: bigint;
  jobTimeout: number;
  jobExpiration: number;
  jobType: number;
  nodeXnosMinimum: bigint;
  nodeAccessKey: AddressLike;
  queueKind: 'jobs' | 'nodes' | 'empty';
  queue: AddressLike[];
  vault: AddressLike;
}

const OPEN = new Set(['11111111111111111111111111111111']);
const text = (address: AddressLike) => (typeof address === 'string' ? address : address.toBase58());

/**
 * The JSON form of a market.
 *
 * @example
 * ```ts
 * summarizeMarket(await client.markets.get('cpu')).jobPrice; // '100' (NOS base units per second)
 * ```
 */
export function summarizeMarket(market: ShownMarket): MarketSummary {
  const accessKey = text(market.nodeAccessKey);
  return {
    address: text(market.address),
    name: market.name ?? null,
    jobPrice: market.jobPrice.toString(),
    jobTimeout: market.jobTimeout,
    jobExpiration: market.jobExpiration,
    jobType: market.jobType,
    nodeXnosMinimum: market.nodeXnosMinimum.toString(),
    nodeAccessKey: OPEN.has(accessKey) ? null : accessKey,
    queueKind: market.queueKind,
    queue: market.queue.map(text),
    vault: text(market.vault),
  };
}

/**
 * `market list`'s table: name, address, price per second and hour, timeout, queue.
 *
 * @example
 * ```ts
 * console.log(marketTable(await client.markets.list(), ux.colorize));
 * ```
 */
export function marketTable(markets: ShownMarket[], colorize: Colorize): string {
  return renderTable(
    markets,
    [
      { header: 'NAME', get: (m) => m.name ?? '' },
      { header: 'ADDRESS', get: (m) => text(m.address) },
      { header: 'NOS/S', get: (m) => formatNos(m.jobPrice), align: 'right' },
      { header: 'NOS/H', get: (m) => formatNos(pricePerHour(m.jobPrice)), align: 'right' },
      { header: 'TIMEOUT', get: (m) => `${m.jobTimeout}s`, align: 'right' },
      {
        header: 'QUEUE',
        get: (m) => (m.queueKind === 'empty' ? 'empty' : `${m.queue.length} ${m.queueKind}`),
      },
    ],
    colorize,
  );
}

/**
 * `market get`'s lines: the market, its price, timeout, job type, stake, access and queue.
 *
 * @example
 * ```ts
 * console.log(marketDetails(await client.markets.get('cpu'), ux.colorize));
 * ```
 */
export function marketDetails(market: ShownMarket, colorize: Colorize): string {
  const summary = summarizeMarket(market);
  return renderDetails(
    [
      ['market', market.name ? `${market.name} (${summary.address})` : summary.address],
      ['price', `${formatNos(market.jobPrice)} NOS/s (${formatNos(pricePerHour(market.jobPrice))} NOS/h)`],
      ['timeout', `${market.jobTimeout}s`],
      ['job type', market.jobType === 4 ? 'GPU' : String(market.jobType)],
      ['node stake', `${formatNos(market.nodeXnosMinimum)} xNOS minimum`],
      ['access', summary.nodeAccessKey ? `holders of collection ${summary.nodeAccessKey}` : 'open'],
      [
        'queue',
        market.queueKind === 'empty' ? 'empty' : `${market.queue.length} ${market.queueKind} waiting`,
      ],
    ],
    colorize,
  );
}
