/**
 * Jobs as posters see them: post, read, list, stop, extend, recover, clean, their definition and result, and
 * waiting for (or subscribing to) their changes.
 */
import {
  type CidV0,
  cidToBytes32,
  type FlowState,
  type JobDefinition,
  type JobState,
  jobDeposit,
  NosanaError,
} from '@nosana/core';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { getJson, putJson } from '../ipfs/content-store.js';
import { isAccountOf } from '../protocol/account-bytes.js';
import { decodeJobAccount, type JobAccount } from '../protocol/accounts.js';
import { assignJobInstruction, listJobInstruction } from '../protocol/builders.js';
import { ACCOUNT_DATA_LENGTH, ACCOUNT_SPACE, JobAccountState, OFFSETS } from '../protocol/constants.js';
import { cleanJobInstruction } from '../protocol/host-builders.js';
import { type ClientContext, discriminator, memcmp, pk } from './context.js';
import type { Funds } from './funds.js';
import { extendJob, recoverJob, stopJob } from './job-actions.js';
import { jobNotFoundError } from './job-fields.js';
import { type Markets, requireQueueRoom, whenQueueFull } from './markets.js';
import { type JobView, jobView, type RunView, runsOf, runView } from './views.js';
import { waitUntil } from './wait.js';
import '../errors.js';

/** Parameters of `jobs.post`. */
export interface PostJobParameters {
  /** A validated definition (pinned here) or the CID of one already pinned. */
  definition: JobDefinition | { cid: CidV0 };
  market: PublicKey | string;
  /** Seconds: the longest the job may run and be billed. */
  timeout: number;
  /** Target a node waiting in the market queue (`assign`). */
  node?: PublicKey | string;
}

/** Result of `jobs.post`. */
export interface PostJobResult {
  job: PublicKey;
  /** The run, when a waiting node took the job at once. */
  run: PublicKey | null;
  definition: CidV0;
  signature: string;
  /** NOS base units placed in escrow. */
  deposit: bigint;
}

/** Job filters for `jobs.list`. */
export interface ListJobsParameters {
  market?: PublicKey | string;
  /** The node running the job (its Run account) or that finished, quit or was ended on it (the Job account). */
  node?: PublicKey | string;
  project?: PublicKey | string;
  state?: JobState;
  limit?: number;
}

/** Options of `jobs.waitFor`. */
export interface WaitForJobOptions {
  signal?: AbortSignal;
  /** Default 2000 ms. */
  pollMs?: number;
  /** Give up with `CHAIN__WAIT_TIMEOUT`; default never. */
  timeoutMs?: number;
  /** Called with the job whenever its state changes (and once at the start). */
  onChange?: (job: JobView) => void;
}

/** Options of `jobs.get`. */
export interface GetJobOptions {
  /** A Run account of the job already known: read with the job instead of scanning for the job's runs. */
  run?: PublicKey | string;
}

/** The state byte a job of a (non-RUNNING) client state has on chain. */
const STATE_BYTE: Record<Exclude<JobState, 'RUNNING'>, number> = {
  QUEUED: JobAccountState.Queued,
  COMPLETED: JobAccountState.Done,
  STOPPED: JobAccountState.Stopped,
};

const jobNotFound = (ctx: ClientContext, key: PublicKey) =>
  jobNotFoundError(key.toBase58(), ctx.network.name);

const isRunAccount = (ctx: ClientContext, info: { owner: PublicKey; data: Uint8Array }): boolean =>
  info.owner.equals(ctx.ids.jobs) &&
  info.data.length >= ACCOUNT_DATA_LENGTH.RunAccount &&
  isAccountOf('RunAccount', info.data);

const isJobAccount = (
  ctx: ClientContext,
  info: { owner: PublicKey; data: Uint8Array } | null,
): info is { owner: PublicKey; data: Buffer } =>
  !!info?.owner.equals(ctx.ids.jobs) && info.data.length >= ACCOUNT_DATA_LENGTH.JobAccount;

/**
 * Jobs matching filters, newest first. A running job's node is in its Run account (the Job account's node is
 * set only when it ends), and a claimed job keeps the Stopped state byte while it runs: so RUNNING jobs and the
 * jobs of a node are found through the Run accounts, the others with memcmp filters on the Job accounts.
 */
async function listJobs(
  ctx: ClientContext,
  markets: Markets,
  { market, node, project, state, limit }: ListJobsParameters,
): Promise<JobView[]> {
  const marketKey = market ? await markets.resolve(market) : undefined;
  const nodeKey = node ? pk(node) : undefined;
  const projectKey = project ? pk(project) : undefined;
  const runs = await runsOf(ctx, state === 'RUNNING' && nodeKey ? { node: nodeKey } : {});
  const runByJob = new Map(runs.map((r) => [r.job.toBase58(), r]));
  const found = new Map<string, { address: PublicKey; data: Uint8Array }>();
  if (state !== 'RUNNING') {
    const filters = [discriminator('JobAccount')];
    if (marketKey) filters.push(memcmp(OFFSETS.job.market, marketKey.toBytes()));
    if (projectKey) filters.push(memcmp(OFFSETS.job.project, projectKey.toBytes()));
    if (nodeKey) filters.push(memcmp(OFFSETS.job.node, nodeKey.toBytes()));
    if (state) filters.push(memcmp(OFFSETS.job.state, Uint8Array.of(STATE_BYTE[state])));
    for (const { pubkey, account } of await ctx.programAccounts(ctx.ids.jobs, filters))
      found.set(pubkey.toBase58(), { address: pubkey, data: account.data });
  }
  if (state === 'RUNNING' || (nodeKey && !state)) {
    const running = runs.filter((r) => !nodeKey || r.node.equals(nodeKey));
    const infos = await ctx.accounts(running.map((r) => r.job));
    running.forEach((r, i) => {
      const info = infos[i] ?? null;
      if (isJobAccount(ctx, info)) found.set(r.job.toBase58(), { address: r.job, data: info.data });
    });
  }
  const views = [...found.values()]
    .map(({ address, data }) => jobView(address, data, runByJob.get(address.toBase58()) ?? null))
    .filter((job) => (state ? job.state === state : true))
    .filter((job) => (nodeKey ? job.node?.equals(nodeKey) : true))
    .filter((job) => (marketKey ? job.market.equals(marketKey) : true))
    .filter((job) => (projectKey ? job.project.equals(projectKey) : true))
    .sort((a, b) => b.timeStart - a.timeStart);
  return limit ? views.slice(0, limit) : views;
}

/** The definition or the result a job names, from IPFS; the job's account is read only when given its address. */
async function jobDocument<T>(
  ctx: ClientContext,
  get: (address: PublicKey | string) => Promise<JobView>,
  job: PublicKey | string | JobView,
  which: 'definition' | 'result',
): Promise<T | null> {
  const cid = (isJobView(job) ? job : await get(job))[which];
  return cid ? getJson<T>(ctx.ipfs, cid) : null;
}

/** A job view already read, as opposed to a job's address. */
const isJobView = (job: PublicKey | string | JobView): job is JobView =>
  typeof job === 'object' && 'definition' in job && 'state' in job;

/** Pins a definition and lists it (see `jobs.post`). */
/**
 * Pins a job definition and lists it in a market with its deposit. Checks balances first: nothing is sent
 * (nor pinned) when the wallet cannot pay.
 */
async function postJob(
  ctx: ClientContext,
  markets: Markets,
  funds: Funds,
  { definition, market: marketRef, timeout, node }: PostJobParameters,
): Promise<PostJobResult> {
  const poster = ctx.wallet().publicKey;
  const market = await markets.get(marketRef);
  if (!Number.isSafeInteger(timeout) || timeout <= 0) {
    throw new NosanaError(
      'CORE__INVALID_DURATION',
      `timeout must be a positive number of seconds, got ${timeout}`,
      { input: String(timeout) },
    );
  }
  const { total: deposit } = jobDeposit({ price: market.jobPrice, timeout });
  // Listing joins the queue (unless a node waits); assigning to a node does not.
  if (!node) requireQueueRoom(market, 'jobs');
  await funds.requireFunds(poster, deposit, [ACCOUNT_SPACE.JobAccount, ACCOUNT_SPACE.RunAccount]);
  const cid = 'cid' in definition ? definition.cid : await putJson(ctx.ipfs, definition);
  const job = Keypair.generate();
  const run = Keypair.generate();
  const common = {
    market: market.address,
    poster,
    job: job.publicKey,
    run: run.publicKey,
    ipfsJob: cidToBytes32(cid),
    timeout,
    ids: ctx.ids,
  };
  const instruction = node ? assignJobInstruction({ ...common, node: pk(node) }) : listJobInstruction(common);
  const { signature } = await ctx.send([instruction], [job, run]).catch((error: unknown) => {
    // Another poster filled the queue after the check above.
    throw whenQueueFull(error, market, 'jobs');
  });
  const matched = await ctx.account(run.publicKey);
  return { job: job.publicKey, run: matched ? run.publicKey : null, definition: cid, signature, deposit };
}

/** Delists or ends a job (see `jobs.stop`). */
/** Stops a job: a queued one is delisted (full refund), a running one ended (node paid for the time used). */
/** See `jobs.waitFor`. */
/**
 * Waits until `until(job)` holds: reacts to changes of the job and of its Run accounts (WebSocket) and polls
 * as a fallback (see `waitUntil`). Once the job has a run, each read takes the job and that run in one call; the
 * runs are scanned again only when it is no longer the job's.
 *
 * @example
 * ```ts
 * await client.jobs.waitFor(job, (j) => j.state === 'COMPLETED' || j.state === 'STOPPED', { onChange: (j) => console.log(j.state) });
 * ```
 */
async function waitForJob(
  ctx: ClientContext,
  jobs: Pick<Jobs, 'get' | 'subscribe'>,
  address: PublicKey | string,
  until: (job: JobView) => boolean,
  { signal, pollMs = 2000, timeoutMs, onChange }: WaitForJobOptions,
): Promise<JobView> {
  const key = pk(address);
  let last: JobState | undefined;
  /** The job's run once seen: read with the job (no scan) until it is no longer the job's. */
  let known: PublicKey | undefined;
  const read = async () => {
    const withRun = known ? await jobs.get(key, { run: known }) : undefined;
    const job = withRun?.run ? withRun : await jobs.get(key);
    known = job.run?.address;
    return job;
  };
  return waitUntil(
    (notify) => {
      const unsubscribeJob = jobs.subscribe(key, notify);
      const runs = ctx.connection.onProgramAccountChange(ctx.ids.jobs, notify, {
        commitment: ctx.commitment,
        filters: [discriminator('RunAccount'), memcmp(OFFSETS.run.job, key.toBytes())],
      });
      return () => {
        unsubscribeJob();
        void ctx.connection.removeProgramAccountChangeListener(runs).catch(() => undefined);
      };
    },
    async () => {
      const job = await read();
      if (job.state !== last) {
        last = job.state;
        onChange?.(job);
      }
      return until(job) ? job : undefined;
    },
    { ...(signal ? { signal } : {}), pollMs, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
  );
}

/** See `jobs.subscribe`. */
function subscribeJob(
  ctx: ClientContext,
  address: PublicKey | string,
  onChange: (job: JobAccount | null) => void,
): () => void {
  const { connection, commitment } = ctx;
  const id = connection.onAccountChange(
    pk(address),
    (info) => onChange(isJobAccount(ctx, info) ? decodeJobAccount(info.data) : null),
    { commitment },
  );
  return () => void connection.removeAccountChangeListener(id).catch(() => undefined);
}

/** The jobs area of the client. */
export function createJobs(ctx: ClientContext, markets: Markets, funds: Funds) {
  const { ids } = ctx;

  const jobs = {
    /**
     * A job by address, with RUNNING detected through its Run account: found with a program scan, or, given
     * `run` (a Run account already known, as a node knows its own), read with the job in one `getMultipleAccounts`
     * — then the view's run is that one while it exists for this job, and null otherwise (even if another run does).
     *
     * @example
     * ```ts
     * const job = await client.jobs.get(address);
     * const stillMine = (await client.jobs.get(address, { run: run.address })).run !== null;
     * ```
     */
    async get(address: PublicKey | string, options: GetJobOptions = {}): Promise<JobView> {
      const key = pk(address);
      if (options.run) {
        const [info = null, runInfo = null] = await ctx.accounts([key, pk(options.run)]);
        if (!isJobAccount(ctx, info)) throw jobNotFound(ctx, key);
        const run = runInfo && isRunAccount(ctx, runInfo) ? runView(pk(options.run), runInfo.data) : null;
        return jobView(key, info.data, run?.job.equals(key) ? run : null);
      }
      const [info, runs] = await Promise.all([ctx.account(key), runsOf(ctx, { job: key })]);
      if (!isJobAccount(ctx, info)) throw jobNotFound(ctx, key);
      return jobView(key, info.data, runs[0] ?? null);
    },

    /**
     * Jobs matching filters, newest first (see `listJobs`).
     *
     * @example
     * ```ts
     * const running = await client.jobs.list({ node, state: 'RUNNING' });
     * ```
     */
    list: (parameters: ListJobsParameters = {}) => listJobs(ctx, markets, parameters),

    /**
     * Pins a job definition and lists it in a market with its deposit. Checks balances first: nothing is sent
     * (nor pinned) when the wallet cannot pay.
     *
     * @example
     * ```ts
     * const { job, deposit } = await client.jobs.post({ definition, market: 'cpu', timeout: 600 });
     * ```
     */
    post: (parameters: PostJobParameters) => postJob(ctx, markets, funds, parameters),

    /**
     * Stops a job: a queued one is delisted (full refund), a running one ended (node paid for the time used).
     *
     * @example
     * ```ts
     * const { action } = await client.jobs.stop(job); // 'delist' | 'end'
     * ```
     */
    stop: (address: PublicKey | string) => stopJob(ctx, markets, jobs.get, address),

    /**
     * Raises a job's timeout by `seconds`, depositing the difference. Works while queued or running.
     *
     * @example
     * ```ts
     * const { timeout } = await client.jobs.extend(job, 600);
     * ```
     */
    extend: (address: PublicKey | string, seconds: number) =>
      extendJob(ctx, markets, funds, jobs.get, address, seconds),

    /**
     * Gets the deposit of a job a node quit (STOPPED) back.
     *
     * @example
     * ```ts
     * await client.jobs.recover(job);
     * ```
     */
    recover: (address: PublicKey | string) => recoverJob(ctx, markets, jobs.get, address),

    /** Closes a completed job once the market's expiration has passed; the rent goes to its payer. */
    async clean(address: PublicKey | string): Promise<{ signature: string }> {
      const job = await jobs.get(address);
      return ctx.send([cleanJobInstruction({ job: job.address, market: job.market, payer: job.payer, ids })]);
    },

    /**
     * The job definition, and the result (flow state) a node posted (null while none), fetched from IPFS and verified
     * against their CIDs; given a {@link JobView} already read, the account is not read again.
     *
     * @example
     * ```ts
     * const [definition, flow] = [await client.jobs.definition(job), await client.jobs.result(job)];
     * ```
     */
    definition: async (job: PublicKey | string | JobView): Promise<JobDefinition> =>
      (await jobDocument<JobDefinition>(ctx, jobs.get, job, 'definition'))!,
    result: (job: PublicKey | string | JobView) => jobDocument<FlowState>(ctx, jobs.get, job, 'result'),

    /**
     * Calls `onChange` whenever the job's account changes (WebSocket account subscription), with the decoded
     * account, or null once it is closed. Returns the unsubscribe function.
     *
     * @example
     * ```ts
     * const unsubscribe = client.jobs.subscribe(job, (account) => console.log(account?.state));
     * unsubscribe();
     * ```
     */
    subscribe: (address: PublicKey | string, onChange: (job: JobAccount | null) => void) =>
      subscribeJob(ctx, address, onChange),

    /**
     * Waits until `until(job)` holds: reacts to changes of the job and of its Run accounts (WebSocket) and polls
     * as a fallback (see `waitUntil`).
     *
     * @example
     * ```ts
     * await client.jobs.waitFor(job, (j) => j.state === 'COMPLETED' || j.state === 'STOPPED', { onChange: (j) => console.log(j.state) });
     * ```
     */
    waitFor: (
      address: PublicKey | string,
      until: (job: JobView) => boolean,
      options: WaitForJobOptions = {},
    ) => waitForJob(ctx, jobs, address, until, options),
  };
  return jobs;
}

/** The jobs area (see {@link createJobs}). */
export type Jobs = ReturnType<typeof createJobs>;
export type { JobView, RunView };
