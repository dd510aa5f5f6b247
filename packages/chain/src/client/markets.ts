/**
 * Markets: listing, reading and resolving them (by address or, on the localnet, by name), and the operations of a
 * market's authority (open, update, close).
 */
import { isNosanaError, NosanaError } from '@nosana/core';
import { Keypair, PublicKey } from '@solana/web3.js';
import { decodeMarketAccount, type MarketAccount } from '../protocol/accounts.js';
import {
  closeMarketInstruction,
  type MarketInstructionSettings,
  openMarketInstruction,
  updateMarketInstruction,
} from '../protocol/builders.js';
import { ACCOUNT_SPACE, JobAccountState, MARKET_QUEUE_CAPACITY, OFFSETS } from '../protocol/constants.js';
import { marketVaultAddress } from '../protocol/pda.js';
import { type ClientContext, discriminator, memcmp } from './context.js';
import type { Funds } from './funds.js';
import { callLocalnetRpc } from './localnet-rpc.js';
import { type MarketFields, marketFields, noMarketError, unknownMarketError } from './market-fields.js';
import {
  type MarketSettings,
  type OpenMarketParameters,
  type UpdateMarketParameters,
  validateMarketParameters,
} from './market-parameters.js';
import '../errors.js';
import { TOKEN_ACCOUNT_SIZE, tokenAccountAmount, tokenAccountInstruction } from '../protocol/token.js';

/** A market as clients see it. */
export type MarketView = MarketFields<PublicKey>;

/** Result of `markets.open`. */
export interface OpenMarketResult {
  /** The new market's address (a fresh keypair; the wallet is its authority). */
  market: PublicKey;
  /** Its NOS escrow vault, the PDA `[market, mint]` of the Jobs program. */
  vault: PublicKey;
  signature: string;
}

/** Result of `markets.update`. */
export interface UpdateMarketResult {
  signature: string;
  /** Every setting the market has now (the ones not given were kept). */
  settings: MarketSettings;
}

/** Parameters of `markets.close`. */
export interface CloseMarketParameters {
  /**
   * Close even when jobs or nodes are queued, jobs are open or the vault holds NOS: the program then sweeps the
   * vault's NOS (the deposits of open jobs included) to the authority's token account, and those jobs can no
   * longer be settled. Default false.
   */
  force?: boolean;
}

/** Result of `markets.close`. */
export interface CloseMarketResult {
  signature: string;
  /** Lamports returned to the authority: the rent of the market and vault accounts. */
  rent: bigint;
  /** NOS base units moved from the vault to the authority's token account (0n unless forced), as read before. */
  swept: bigint;
}

const OPEN_JOB_STATES = new Set<number>([JobAccountState.Queued, JobAccountState.Stopped]);

const instructionSettings = (settings: MarketSettings): MarketInstructionSettings => ({
  jobExpiration: settings.jobExpiration,
  jobPrice: settings.price,
  jobTimeout: settings.timeout,
  jobType: settings.jobType,
  nodeStakeMinimum: settings.nodeStakeMinimum,
  nodeAccessKey: settings.nodeAccessKey,
});

/**
 * Market names the network knows: those the caller gave (a market directory's), and on a localnet those it
 * publishes with `localnet_info` (which win). A definitive answer is kept for the client's lifetime; a failure is
 * not (the next call asks again), and an unreachable RPC throws `CHAIN__RPC_UNREACHABLE` instead of looking like
 * "no names".
 */
export function createMarketNames(ctx: Pick<ClientContext, 'network' | 'marketNames'>) {
  let names: Promise<Map<string, string>> | undefined;
  return (): Promise<Map<string, string>> => {
    names ??= (async () => {
      const given = new Map(ctx.marketNames ?? []);
      if (ctx.network.name !== 'localnet') return given;
      try {
        const info = await callLocalnetRpc(ctx.network.rpcUrl, 'localnet_info', []);
        for (const m of info.markets ?? []) given.set(m.name, m.address);
        return given;
      } catch (error) {
        // A server that answers but is not a localnet (method not found) has no names: that answer is kept.
        if (isNosanaError(error, 'CHAIN__LOCALNET_RPC_FAILED')) return given;
        throw error;
      }
    })();
    const pending = names;
    pending.catch(() => {
      if (names === pending) names = undefined;
    });
    return pending;
  };
}

/** Throws `CHAIN__NOT_MARKET_AUTHORITY` unless the wallet is the market's authority (as the program requires). */
const requireAuthority = (ctx: ClientContext, market: MarketView, operation: 'update' | 'close') => {
  const me = ctx.wallet().publicKey;
  if (market.authority.equals(me)) return;
  throw new NosanaError(
    'CHAIN__NOT_MARKET_AUTHORITY',
    `markets.${operation}: wallet ${me.toBase58()} is not the authority of market ${market.address.toBase58()} (${market.authority.toBase58()} is) — only its authority may ${operation} it; use that wallet (nothing was sent)`,
    {
      market: market.address.toBase58(),
      authority: market.authority.toBase58(),
      wallet: me.toBase58(),
      operation,
    },
  );
};
const hasSettings = (market: MarketAccount, settings: MarketSettings) =>
  market.jobPrice === settings.price &&
  market.jobTimeout === settings.timeout &&
  market.jobExpiration === settings.jobExpiration &&
  market.jobType === settings.jobType &&
  market.nodeAccessKey.equals(settings.nodeAccessKey) &&
  market.nodeXnosMinimum === settings.nodeStakeMinimum;
/** Jobs of a market whose deposit is still in its vault: on-chain state `Queued` (queued or running) or `Stopped`. */
const openJobsOf = async (ctx: ClientContext, market: PublicKey) =>
  (
    await ctx.programAccounts(ctx.ids.jobs, [
      discriminator('JobAccount'),
      memcmp(OFFSETS.job.market, market.toBytes()),
    ])
  ).filter(({ account: info }) => OPEN_JOB_STATES.has(info.data[OFFSETS.job.state]!)).length;

/** Closes a market (see `markets.close`). */
async function closeMarket(
  ctx: ClientContext,
  funds: Funds,
  getMarket: (market: PublicKey | string) => Promise<MarketView>,
  marketRef: PublicKey | string,
  { force = false }: CloseMarketParameters,
): Promise<CloseMarketResult> {
  const authority = ctx.wallet();
  const market = await getMarket(marketRef);
  requireAuthority(ctx, market, 'close');
  const user = ctx.ata(authority.publicKey);
  const [marketInfo, vaultInfo, userInfo, openJobs] = await Promise.all([
    ctx.account(market.address),
    ctx.account(market.vault),
    ctx.account(user),
    openJobsOf(ctx, market.address),
  ]);
  const vaultBalance = tokenAccountAmount(vaultInfo?.data);
  if (!force && (market.queue.length > 0 || openJobs > 0 || vaultBalance > 0n)) {
    const what = [
      ...(market.queue.length > 0 ? [`${market.queue.length} ${market.queueKind} queued`] : []),
      ...(openJobs > 0 ? [`${openJobs} open job(s) (queued, running or stopped)`] : []),
      ...(vaultBalance > 0n ? [`${vaultBalance} NOS base units in its vault`] : []),
    ];
    throw new NosanaError(
      'CHAIN__MARKET_NOT_EMPTY',
      `markets.close: market ${market.address.toBase58()} is not empty (${what.join(', ')}); the program would sweep its vault to your token account and leave its jobs without a market — wait until its jobs are finished or delisted and its nodes have left, or pass { force: true } (nothing was sent)`,
      {
        market: market.address.toBase58(),
        queueKind: market.queueKind,
        queued: market.queue.length,
        openJobs,
        vault: vaultBalance.toString(),
      },
    );
  }
  await funds.requireFunds(authority.publicKey, 0n, userInfo ? [] : [TOKEN_ACCOUNT_SIZE]);
  const { signature } = await ctx.send(
    [
      await tokenAccountInstruction(authority.publicKey, user, authority.publicKey, ctx.ids.nosMint),
      closeMarketInstruction({ market: market.address, authority: authority.publicKey, ids: ctx.ids }),
    ],
    [],
    async () => (await ctx.account(market.address)) === null,
  );
  return {
    signature,
    rent: BigInt((marketInfo?.lamports ?? 0) + (vaultInfo?.lamports ?? 0)),
    swept: vaultBalance,
  };
}

/** See `markets.open`. */
async function openMarket(
  ctx: ClientContext,
  funds: Funds,
  parameters: OpenMarketParameters,
): Promise<OpenMarketResult> {
  const { ids } = ctx;
  const settings = validateMarketParameters('open', parameters);
  const authority = ctx.wallet();
  await funds.requireFunds(authority.publicKey, 0n, [ACCOUNT_SPACE.MarketAccount, TOKEN_ACCOUNT_SIZE]);
  const market = Keypair.generate();
  const vault = marketVaultAddress(market.publicKey, ids).address;
  const { signature } = await ctx.send(
    [
      openMarketInstruction({
        market: market.publicKey,
        authority: authority.publicKey,
        ...instructionSettings(settings),
        ids,
      }),
    ],
    [market],
    async () => (await ctx.account(market.publicKey)) !== null,
  );
  return { market: market.publicKey, vault, signature };
}

/** See `markets.update`. */
async function updateMarket(
  ctx: ClientContext,
  get: (market: PublicKey | string) => Promise<MarketView>,
  marketRef: PublicKey | string,
  parameters: UpdateMarketParameters,
): Promise<UpdateMarketResult> {
  validateMarketParameters('update', parameters);
  const authority = ctx.wallet();
  const market = await get(marketRef);
  requireAuthority(ctx, market, 'update');
  const settings = validateMarketParameters('update', parameters, market);
  const { signature } = await ctx.send(
    [
      updateMarketInstruction({
        market: market.address,
        authority: authority.publicKey,
        ...instructionSettings(settings),
        ids: ctx.ids,
      }),
    ],
    [],
    async () => hasSettings(await get(market.address), settings),
  );
  return { signature, settings };
}

/** The markets area of the client. */
export function createMarkets(ctx: ClientContext, funds: Funds) {
  const { ids, network } = ctx;
  const marketNames = createMarketNames(ctx);
  const marketView = async (address: PublicKey, data: Uint8Array): Promise<MarketView> =>
    marketFields(address, decodeMarketAccount(data), await marketNames(), (key) => key.toBase58());

  const markets = {
    /** Every market of the Jobs program. */
    async list(): Promise<MarketView[]> {
      const found = await ctx.programAccounts(ids.jobs, [discriminator('MarketAccount')]);
      return Promise.all(found.map(({ pubkey, account: info }) => marketView(pubkey, info.data)));
    },
    /** A market by address or name (`cpu`, `gpu` on localnet). */
    async get(market: PublicKey | string): Promise<MarketView> {
      const address = await markets.resolve(market);
      const info = await ctx.account(address);
      if (!info?.owner.equals(ids.jobs)) {
        throw noMarketError(address.toBase58(), network.name);
      }
      return marketView(address, info.data);
    },
    /** Resolves a market name or address to an address. */
    async resolve(market: PublicKey | string): Promise<PublicKey> {
      if (market instanceof PublicKey) return market;
      const named = (await marketNames()).get(market);
      if (named) return new PublicKey(named);
      try {
        return new PublicKey(market);
      } catch {
        throw unknownMarketError(market, network.name, [...(await marketNames()).keys()]);
      }
    },

    /**
     * Opens a market with the wallet as its authority: a new market account (a fresh keypair) and its NOS vault,
     * with exactly the settings of the program's `open`. Checks the settings and the SOL for rent and fees first:
     * bad input sends nothing.
     *
     * @example
     * ```ts
     * const { market, vault } = await client.markets.open({ price: 100n, timeout: 3600 }); // 0.0001 NOS/s
     * const gpu = await client.markets.open({ price: 500n, timeout: 7200, jobType: JobType.Gpu, nodeStakeMinimum: 1_000_000n });
     * ```
     */
    open: (parameters: OpenMarketParameters) => openMarket(ctx, funds, parameters),

    /**
     * Changes settings of a market the wallet is the authority of; the settings not given keep their values.
     * Checks the settings, and that the wallet is the market's authority, before sending anything.
     *
     * @example
     * ```ts
     * await client.markets.update(market, { price: 150n, timeout: 1800 });
     * ```
     */
    update: (marketRef: PublicKey | string, parameters: UpdateMarketParameters) =>
      updateMarket(ctx, markets.get, marketRef, parameters),

    /**
     * Closes a market the wallet is the authority of: the market and vault accounts go, their rent returns to the
     * wallet. The program would close a market whatever it holds (sweeping its vault to the authority), so this
     * refuses first, with `CHAIN__MARKET_NOT_EMPTY`, while jobs or nodes are queued, jobs are open (queued,
     * running, or stopped awaiting recovery) or the vault holds NOS — unless `force` is set.
     *
     * @example
     * ```ts
     * const { rent } = await client.markets.close(market); // lamports back
     * ```
     */
    close: (marketRef: PublicKey | string, options: CloseMarketParameters = {}) =>
      closeMarket(ctx, funds, markets.get, marketRef, options),
  };
  return markets;
}

/** The markets area (see {@link createMarkets}). */
export type Markets = ReturnType<typeof createMarkets>;

/**
 * Throws `CHAIN__MARKET_QUEUE_FULL` when `market`'s queue of `kind` is at the Market account's capacity (314), so
 * a `list` (kind `jobs`) or `work` (kind `nodes`) would be refused by the program — checked before anything is sent.
 *
 * @example
 * ```ts
 * requireQueueRoom(await markets.get('cpu'), 'jobs');
 * ```
 */
export function requireQueueRoom(market: MarketView, kind: 'jobs' | 'nodes'): void {
  if (market.queueKind === kind && market.queue.length >= MARKET_QUEUE_CAPACITY)
    throw queueFull(market, kind);
}

/**
 * The program's refusal of a `list` or `work` whose queue is full (Anchor's `AccountDidNotSerialize`: the Market
 * account has no room for another entry) as `CHAIN__MARKET_QUEUE_FULL`; any other error unchanged.
 *
 * @example
 * ```ts
 * await ctx.send([listJobInstruction(…)]).catch((error) => { throw whenQueueFull(error, market, 'jobs'); });
 * ```
 */
export function whenQueueFull(error: unknown, market: MarketView, kind: 'jobs' | 'nodes'): unknown {
  return isNosanaError(error, 'CHAIN__PROGRAM_ACCOUNT_DID_NOT_SERIALIZE')
    ? queueFull(market, kind, error)
    : error;
}

function queueFull(market: MarketView, kind: 'jobs' | 'nodes', cause?: unknown): NosanaError {
  const address = market.address.toBase58();
  const advice =
    kind === 'jobs'
      ? 'no job can be listed until a node takes one: post later, or to another market'
      : 'no node can join until a job arrives or a node leaves: try again later or work in another market';
  return new NosanaError(
    'CHAIN__MARKET_QUEUE_FULL',
    `market ${address}'s queue is full: ${MARKET_QUEUE_CAPACITY} ${kind} are waiting, as many as its account holds — ${advice}${cause ? '' : ' (nothing was sent)'}`,
    { market: address, queueKind: kind, capacity: MARKET_QUEUE_CAPACITY },
    cause === undefined ? undefined : { cause },
  );
}
