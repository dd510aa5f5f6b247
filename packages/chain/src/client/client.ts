/**
 * `createNosanaClient`: the client object, assembled from one module per area over a shared context
 * (`context.ts`): `markets.ts`, `jobs.ts`, `host.ts` (the node side), `funds.ts` (balances, tokens, faucets),
 * `staking.ts`, with `wait.ts` for waiting on chain conditions.
 */
import { NosanaError } from '@nosana/core';
import { type PublicKey, SYSVAR_CLOCK_PUBKEY } from '@solana/web3.js';
import { marketVaultAddress } from '../protocol/pda.js';
import {
  type ClientContext,
  type CreateNosanaClientParameters,
  closeConnection,
  createClientContext,
} from './context.js';
import { createFunds } from './funds.js';
import { createHost } from './host.js';
import { createJobs } from './jobs.js';
import { createMarkets } from './markets.js';
import { createRewards } from './rewards.js';
import { createStaking } from './staking.js';
import '../errors.js';

export type { CreateNosanaClientParameters } from './context.js';
export type { AirdropParameters, BalancesResult } from './funds.js';
export type { FinishRunParameters, WaitForRunOptions } from './host.js';
export type {
  GetJobOptions,
  ListJobsParameters,
  PostJobParameters,
  PostJobResult,
  WaitForJobOptions,
} from './jobs.js';
export type {
  CloseMarketParameters,
  CloseMarketResult,
  MarketView,
  OpenMarketResult,
  UpdateMarketResult,
} from './markets.js';
export type {
  ClaimRewardsParameters,
  ClaimRewardsResult,
  EnterRewardsResult,
  RewardPoolView,
  RewardsView,
} from './rewards.js';
export type {
  CreateStakeParameters,
  StakeDuration,
  StakeTransactionResult,
  StakeUnstakeResult,
  StakeView,
  StakeWithdrawResult,
} from './staking.js';
export type { JobView, RunView } from './views.js';

/** A change of an account of the Jobs program. */
export interface JobsProgramChange {
  address: PublicKey;
  data: Uint8Array;
}

/** Byte offset of `unix_timestamp` (i64) in the Clock sysvar. */
const CLOCK_UNIX_TIMESTAMP_OFFSET = 32;

/**
 * Unix seconds of the latest block the RPC has: `getBlockTime` of its current slot. Falls back to the Clock
 * sysvar's `unix_timestamp` when the RPC has no time for that block (pruned or not yet produced).
 */
async function chainTime(ctx: ClientContext): Promise<number> {
  const { connection, commitment } = ctx;
  const slot = await ctx.read(() => connection.getSlot(commitment));
  const time = await ctx
    .read(() => connection.getBlockTime(slot))
    .catch((error: unknown) => {
      if (error instanceof NosanaError) throw error;
      return null;
    });
  if (time !== null) return time;
  const clock = await ctx.account(SYSVAR_CLOCK_PUBKEY);
  if (!clock || clock.data.length < CLOCK_UNIX_TIMESTAMP_OFFSET + 8) {
    throw new NosanaError(
      'CHAIN__RPC_UNREACHABLE',
      `${connection.rpcEndpoint} answered neither a block time nor the Clock sysvar — use another RPC endpoint`,
      { url: connection.rpcEndpoint },
    );
  }
  return Number(Buffer.from(clock.data).readBigInt64LE(CLOCK_UNIX_TIMESTAMP_OFFSET));
}

/** The Nosana client returned by {@link createNosanaClient}. */
export type NosanaClient = ReturnType<typeof createNosanaClient>;

/**
 * A client of the Nosana programs for job posters and hosts.
 *
 * @example
 * ```ts
 * const client = createNosanaClient({ network: 'localnet', wallet: loadWallet().keypair });
 * const { job } = await client.jobs.post({ definition, market: 'cpu', timeout: 600 });
 * const done = await client.jobs.waitFor(job, (j) => j.state === 'COMPLETED');
 * ```
 */
export function createNosanaClient(parameters: CreateNosanaClientParameters = {}) {
  const ctx = createClientContext(parameters);
  const { connection, commitment, ids } = ctx;
  const funds = createFunds(ctx);
  const markets = createMarkets(ctx, funds);
  const jobs = createJobs(ctx, markets, funds);
  const host = createHost(ctx, markets, jobs);
  const staking = createStaking(ctx, funds, () => chainTime(ctx));
  const rewards = createRewards(ctx, funds, () => chainTime(ctx));
  return {
    network: ctx.network,
    connection,
    ids,
    ipfs: ctx.ipfs,
    /** The wallet's address (throws when the client has no wallet). */
    address: () => ctx.wallet().publicKey,
    markets,
    jobs,
    host,
    /** @deprecated Renamed `host` (it clashed with the `@nosana/node` package); `node` goes in the next release. */
    node: host,
    balances: funds.balances,
    staking,
    rewards,
    tokens: funds.tokens,
    airdrop: funds.airdrop,
    /**
     * Unix seconds of the latest block (`getBlockTime` of the current slot; the Clock sysvar when the RPC has no
     * time for it). Use it rather than the local clock for anything compared with on-chain times.
     *
     * @example
     * ```ts
     * const elapsed = (await client.chainTime()) - run.time;
     * ```
     */
    chainTime: () => chainTime(ctx),
    /**
     * Calls `onChange` for every change of any Jobs program account (jobs, runs, markets) over the WebSocket.
     * Returns the unsubscribe function.
     *
     * @example
     * ```ts
     * const unsubscribe = client.subscribeJobsProgram(({ address }) => console.log(address.toBase58()));
     * ```
     */
    subscribeJobsProgram(onChange: (change: JobsProgramChange) => void): () => void {
      const id = connection.onProgramAccountChange(
        ids.jobs,
        ({ accountId, accountInfo }) => onChange({ address: accountId, data: accountInfo.data }),
        { commitment },
      );
      return () => void connection.removeProgramAccountChangeListener(id).catch(() => undefined);
    },
    /**
     * Closes the client's WebSocket for good (web3.js would otherwise reconnect forever and keep the process
     * alive).
     */
    close: () => closeConnection(connection),
    /** The NOS vault of a market. */
    vault: (market: PublicKey) => marketVaultAddress(market, ids).address,
  };
}
