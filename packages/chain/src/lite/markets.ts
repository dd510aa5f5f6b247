/**
 * Markets read without web3.js: the list and one market by address or name, with base58 addresses. The same
 * decoding and naming as the client's `markets.list`/`markets.get` (`client/markets.ts`); a test compares them.
 */
import { isNosanaError } from '@nosana/core';
import type { LocalnetInfoResult } from '../client/localnet-rpc.js';
import {
  type MarketFields,
  marketFields,
  noMarketError,
  unknownMarketError,
} from '../client/market-fields.js';
import { decodeMarketFields } from '../protocol/account-fields.js';
import { PROGRAM_ADDRESSES, type ProgramSet } from '../protocol/program-addresses.js';
import {
  base58At,
  isAddress,
  type LiteAccount,
  type LiteRpc,
  readAccount,
  readProgramAccounts,
} from './accounts.js';
import { jsonRpc } from './json-rpc.js';

/** A market with base58 addresses (the client's `MarketView` with text for keys). */
export type LiteMarket = MarketFields<string>;

/** Parameters of {@link listMarketsLite}. */
export interface ListMarketsLiteParameters extends LiteRpc {
  /** Which build of the programs the network runs (a network's `programs`). */
  programs: ProgramSet;
  /** Market names by name → address (see {@link liteMarketNames}). */
  names?: ReadonlyMap<string, string>;
}

/** Parameters of {@link getMarketLite}. */
export interface GetMarketLiteParameters extends ListMarketsLiteParameters {
  /** An address, or a name of `names`. */
  market: string;
  /** The network's name, for messages. */
  network: string;
}

/** Parameters of {@link liteMarketNames}. */
export interface LiteMarketNamesParameters extends LiteRpc {
  /** The network's name: only a `localnet` is asked for its names. */
  network: string;
  /** Names known already (a market directory's); the localnet's win. */
  given?: Iterable<[string, string]>;
}

const marketOf = (account: LiteAccount, names?: ReadonlyMap<string, string>): LiteMarket =>
  marketFields(account.address, decodeMarketFields(account.data, base58At), names ?? [], (key) => key);

/**
 * Market names of a network: `given`, and on a localnet those it publishes with `localnet_info` (a server that
 * answers without that method has none). An unreachable RPC throws `CHAIN__RPC_UNREACHABLE`.
 *
 * @example
 * ```ts
 * const names = await liteMarketNames({ rpcUrl: 'http://127.0.0.1:8899', network: 'localnet' }); // cpu, gpu
 * ```
 */
export async function liteMarketNames({
  network,
  given = [],
  ...rpc
}: LiteMarketNamesParameters): Promise<Map<string, string>> {
  const names = new Map(given);
  if (network !== 'localnet') return names;
  for (const m of (await localnetInfoLite(rpc))?.markets ?? []) names.set(m.name, m.address);
  return names;
}

/**
 * What a localnet says it contains (`localnet_info`: markets, programs, the services started next to it), or null
 * from a server that is not a localnet (it answers without that method). An unreachable RPC throws
 * `CHAIN__RPC_UNREACHABLE`.
 *
 * @example
 * ```ts
 * const gateway = (await localnetInfoLite({ rpcUrl: 'http://127.0.0.1:8899' }))?.services?.gateway;
 * ```
 */
export async function localnetInfoLite(rpc: LiteRpc): Promise<LocalnetInfoResult | null> {
  try {
    return await jsonRpc<LocalnetInfoResult>({
      url: rpc.rpcUrl,
      method: 'localnet_info',
      params: [],
      ...(rpc.timeoutMs ? { timeoutMs: rpc.timeoutMs } : {}),
    });
  } catch (error) {
    if (isNosanaError(error, 'CHAIN__RPC_ERROR')) return null;
    throw error;
  }
}

/**
 * Every market of the Jobs program, in the RPC's order.
 *
 * @example
 * ```ts
 * const markets = await listMarketsLite({ rpcUrl: 'http://127.0.0.1:8899', programs: 'mainnet', names });
 * ```
 */
export async function listMarketsLite({
  programs,
  names,
  ...rpc
}: ListMarketsLiteParameters): Promise<LiteMarket[]> {
  const found = await readProgramAccounts(rpc, PROGRAM_ADDRESSES[programs].jobs, 'MarketAccount');
  return found.map((account) => marketOf(account, names));
}

/**
 * One market by address or name. Throws `CHAIN__MARKET_NOT_FOUND` for a name it does not know or an address that
 * holds no market.
 *
 * @example
 * ```ts
 * const cpu = await getMarketLite({ rpcUrl, programs: 'mainnet', network: 'localnet', names, market: 'cpu' });
 * ```
 */
export async function getMarketLite({
  programs,
  names,
  market,
  network,
  ...rpc
}: GetMarketLiteParameters): Promise<LiteMarket> {
  const address = names?.get(market) ?? market;
  if (!isAddress(address)) throw unknownMarketError(market, network, [...(names?.keys() ?? [])]);
  const account = await readAccount(rpc, address);
  if (!account || account.owner !== PROGRAM_ADDRESSES[programs].jobs) throw noMarketError(address, network);
  return marketOf(account, names);
}
