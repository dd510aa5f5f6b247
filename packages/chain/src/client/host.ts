/**
 * The host side (`client.host`): prepare a node, enter and leave market queues, find and wait for its runs,
 * and settle them (finish, complete, quit, claim).
 */
import { type CidV0, cidToBytes32, NosanaError } from '@nosana/core';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { decodeJobAccount } from '../protocol/accounts.js';
import { ACCOUNT_DATA_LENGTH, OFFSETS } from '../protocol/constants.js';
import {
  claimJobInstruction,
  completeJobInstruction,
  finishJobInstruction,
  quitJobInstruction,
  stopWorkInstruction,
  workInstruction,
} from '../protocol/host-builders.js';
import { stakeAddress } from '../protocol/pda.js';
import { stakeInstruction } from '../protocol/staking-builders.js';
import { type ClientContext, discriminator, memcmp } from './context.js';
import type { Jobs } from './jobs.js';
import { type Markets, requireQueueRoom, whenQueueFull } from './markets.js';
import { type RunView, runsOf, runView } from './views.js';
import { waitUntil } from './wait.js';
import '../errors.js';
import { tokenAccountInstruction } from '../protocol/token.js';

/** Options of `host.waitForRun`. */
export interface WaitForRunOptions {
  signal?: AbortSignal;
  /** Default 5000 ms. */
  pollMs?: number;
  /** Give up with `CHAIN__WAIT_TIMEOUT`; default never. */
  timeoutMs?: number;
}

/** Parameters of `host.finish`. */
export interface FinishRunParameters {
  run: RunView;
  /** CID of the pinned result (flow state). */
  result: CidV0;
}

/** Finishes a run (see `host.finish`). */
async function finishRun(
  ctx: ClientContext,
  markets: Markets,
  { run, result }: FinishRunParameters,
): Promise<{ signature: string; alreadyDone?: boolean }> {
  const { ids } = ctx;
  const node = ctx.wallet().publicKey;
  const info = await ctx.account(run.job);
  if (!info?.owner.equals(ids.jobs) || info.data.length < ACCOUNT_DATA_LENGTH.JobAccount) {
    throw new NosanaError(
      'CHAIN__JOB_NOT_FOUND',
      `finish: no job at ${run.job.toBase58()} (the job of run ${run.address.toBase58()}) on ${ctx.network.name}`,
      { address: run.job.toBase58() },
    );
  }
  const job = decodeJobAccount(info.data);
  const market = await markets.get(job.market);
  return ctx.send(
    [
      await tokenAccountInstruction(node, ctx.ata(node), node, ids.nosMint),
      finishJobInstruction({
        job: run.job,
        run: run.address,
        market: market.address,
        node,
        jobPayer: job.payer,
        runPayer: run.payer,
        ipfsResult: cidToBytes32(result),
        ids,
      }),
    ],
    [],
    async () => (await ctx.account(run.address)) === null,
  );
}

const runGone = (address: PublicKey, operation: string) =>
  new NosanaError(
    'CHAIN__RUN_NOT_FOUND',
    `${operation}: run ${address.toBase58()} does not exist (any more) — it was finished, quit or ended meanwhile; list this node's runs again`,
    { address: address.toBase58(), operation },
  );

/** See `host.prepare`. */
async function prepareHost(ctx: ClientContext): Promise<{ createdStake: boolean; signature?: string }> {
  const { ids } = ctx;
  const node = ctx.wallet().publicKey;
  const stake = stakeAddress(node, ids).address;
  if (await ctx.account(stake)) return { createdStake: false };
  const { signature } = await ctx.send(
    [
      await tokenAccountInstruction(node, ctx.ata(node), node, ids.nosMint),
      stakeInstruction({ authority: node, ids }),
    ],
    [],
    async () => (await ctx.account(stake)) !== null,
  );
  return { createdStake: true, signature };
}

/** See `host.work`: `settled` tells a retry whether the first attempt landed. */
async function enterQueue(
  ctx: ClientContext,
  markets: Markets,
  marketRef: PublicKey | string,
  settled: (market: PublicKey) => Promise<boolean>,
): Promise<{ signature: string; run: RunView | null }> {
  const node = ctx.wallet().publicKey;
  const market = await markets.get(marketRef);
  requireQueueRoom(market, 'nodes');
  const run = Keypair.generate();
  const { signature } = await ctx
    .send([workInstruction({ market: market.address, node, run: run.publicKey, ids: ctx.ids })], [run], () =>
      settled(market.address),
    )
    .catch((error: unknown) => {
      throw whenQueueFull(error, market, 'nodes');
    });
  const info = await ctx.account(run.publicKey);
  return { signature, run: info ? runView(run.publicKey, info.data) : null };
}

/** See `host.claim`. */
async function claimJob(
  ctx: ClientContext,
  jobs: Jobs,
  jobAddress: PublicKey | string,
): Promise<{ signature: string; run: RunView }> {
  const node = ctx.wallet().publicKey;
  const job = await jobs.get(jobAddress);
  const run = Keypair.generate();
  const { signature } = await ctx.send(
    [claimJobInstruction({ job: job.address, market: job.market, node, run: run.publicKey, ids: ctx.ids })],
    [run],
  );
  const info = await ctx.account(run.publicKey);
  if (!info) throw runGone(run.publicKey, 'claim');
  return { signature, run: runView(run.publicKey, info.data) };
}

/** The host area of the client (`client.host`). */
export function createHost(ctx: ClientContext, markets: Markets, jobs: Jobs) {
  const { ids, connection, commitment } = ctx;
  const me = () => ctx.wallet().publicKey;
  const host = {
    /**
     * Creates what a host needs before it can work, as the real node software does: its NOS token account and a
     * stake account (0 NOS for 14 days; `work` requires it to exist). Returns what it created.
     */
    /**
     * Creates what a host needs before it can work, as the real node software does: its NOS token account and a
     * stake account (0 NOS for 14 days; `work` requires it to exist). Returns what it created.
     *
     * @example
     * ```ts
     * const { createdStake } = await client.host.prepare();
     * ```
     */
    prepare: () => prepareHost(ctx),

    /** Enters the market queue; when jobs are waiting, takes the first one at once. */
    work: (marketRef: PublicKey | string) =>
      enterQueue(
        ctx,
        markets,
        marketRef,
        async (market) => (await host.isQueued(market)) || (await host.runs()).length > 0,
      ),

    /** Leaves the market queue. */
    async leave(marketRef: PublicKey | string): Promise<{ signature: string }> {
      const node = me();
      const market = await markets.resolve(marketRef);
      return ctx.send([stopWorkInstruction({ market, node, ids })]);
    },

    /** True when this node waits in the market's queue. */
    async isQueued(marketRef: PublicKey | string): Promise<boolean> {
      const market = await markets.get(marketRef);
      return market.queueKind === 'nodes' && market.queue.some((k) => k.equals(me()));
    },

    /** The runs assigned to this node (jobs it must run). */
    runs(): Promise<RunView[]> {
      return runsOf(ctx, { node: me() });
    },

    /**
     * Calls `onChange` whenever a Run account of this node is created, changed or closed (a program subscription
     * filtered on this node). Returns the unsubscribe function.
     *
     * @example
     * ```ts
     * const unsubscribe = client.host.subscribeRuns(() => void checkRuns());
     * ```
     */
    subscribeRuns(onChange: () => void): () => void {
      const id = connection.onProgramAccountChange(ids.jobs, () => onChange(), {
        commitment,
        filters: [discriminator('RunAccount'), memcmp(OFFSETS.run.node, me().toBytes())],
      });
      return () => void connection.removeProgramAccountChangeListener(id).catch(() => undefined);
    },

    /**
     * Waits for a run of this node (the oldest when there are several): a program subscription on Run accounts
     * with this node, plus polling as a fallback (see `waitUntil`).
     *
     * @example
     * ```ts
     * const run = await client.host.waitForRun({ signal });
     * ```
     */
    async waitForRun({ signal, pollMs = 5000, timeoutMs }: WaitForRunOptions = {}): Promise<RunView> {
      const node = me();
      return waitUntil(
        (notify) => host.subscribeRuns(notify),
        async () => (await runsOf(ctx, { node })).sort((a, b) => a.time - b.time)[0],
        { ...(signal ? { signal } : {}), pollMs, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
      );
    },

    /**
     * Posts the result of a run and gets paid `price × min(elapsed, timeout)`; the rest goes back to the poster.
     *
     * @example
     * ```ts
     * await client.host.finish({ run, result: resultCid });
     * ```
     */
    finish: (parameters: FinishRunParameters) => finishRun(ctx, markets, parameters),

    /** Posts results for a job its owner ended while it ran. */
    async complete({ job, result }: { job: PublicKey; result: CidV0 }): Promise<{ signature: string }> {
      return ctx.send([completeJobInstruction({ job, node: me(), ipfsResult: cidToBytes32(result), ids })]);
    },

    /** Gives a run up without payment: the job becomes STOPPED (recoverable by its owner, claimable by others). */
    async quit(run: RunView): Promise<{ signature: string }> {
      return ctx.send(
        [quitJobInstruction({ job: run.job, run: run.address, runPayer: run.payer, node: me(), ids })],
        [],
        async () => (await ctx.account(run.address)) === null,
      );
    },

    /** Takes over a STOPPED job. */
    /**
     * Takes over a STOPPED job.
     *
     * @example
     * ```ts
     * const { run } = await client.host.claim(job);
     * ```
     */
    claim: (jobAddress: PublicKey | string) => claimJob(ctx, jobs, jobAddress),
  };
  return host;
}

/** The host area (see {@link createHost}). */
export type Host = ReturnType<typeof createHost>;
