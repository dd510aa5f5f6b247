/**
 * Fakes for unit tests of code that drives a node (`@nosana/node/testing`): a chain port whose jobs, runs and
 * queue live in memory, with injectable faults, and a clock whose time moves only when a test says so. Not for
 * production use.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { JobView, MarketView, RunView } from '@nosana/chain';
import { bytes32ToCid, type CidV0, canonicalJson, type JobState, NosanaError } from '@nosana/core';
import { Keypair, PublicKey, SystemProgram } from '@solana/web3.js';
import type { ChainPort } from './chain-port.js';
import type { Clock } from './retry.js';

/** A job of the fake chain. */
export interface FakeJob {
  address: string;
  state: JobState;
  definition: CidV0;
  result: CidV0 | null;
  node: string | null;
  project: string;
  price: bigint;
  timeout: number;
  timeStart: number;
  timeEnd: number;
}

/** The fake chain port and what it recorded. */
export interface FakeChain extends ChainPort {
  readonly jobs: Map<string, FakeJob>;
  readonly runsByJob: Map<string, RunView>;
  readonly pins: Map<CidV0, string>;
  /** Market address of the fake `cpu` market. */
  readonly market: string;
  /** Nodes waiting in the market's queue. */
  readonly queue: string[];
  /** Calls per method. */
  readonly calls: Record<string, number>;
  /** Transactions in order, e.g. `finish <job> <cid>`. */
  readonly log: string[];
  /** NOS earned by this node. */
  earned: bigint;
  /** Unix seconds of the cluster's clock (moves only when set). */
  time: number;
  /** Return an error to make a call fail (a transient RPC or IPFS error, say); undefined lets it through. */
  fault: ((method: string, args: unknown[]) => Error | undefined) | undefined;
  /** Pins and lists a job in the market (matched to a queued node at once, as the program does). */
  postJob(definition: unknown, options?: { timeout?: number; price?: bigint }): string;
  /** The owner ends a running job (`end`): the run closes, the job is COMPLETED without result. */
  ownerStop(job: string): void;
}

/** A transient RPC failure, as the chain client reports it. */
export const rpcDown = (method = 'getAccountInfo') =>
  new NosanaError('CHAIN__RPC_UNREACHABLE', `RPC ${method} failed: connection refused`, {
    url: 'http://127.0.0.1:1',
  });

/**
 * A chain port over an in-memory market with one node (`address`).
 *
 * @example
 * ```ts
 * const chain = createFakeChain();
 * const job = chain.postJob({ version: '0.1', type: 'container', ops: [] });
 * chain.fault = (method) => (method === 'getJob' ? rpcDown() : undefined);
 * ```
 */
export function createFakeChain({ address = Keypair.generate().publicKey.toBase58() } = {}): FakeChain {
  const jobs = new Map<string, FakeJob>();
  const runsByJob = new Map<string, RunView>();
  const pins = new Map<CidV0, string>();
  const queue: string[] = [];
  const calls: Record<string, number> = {};
  const log: string[] = [];
  const market = Keypair.generate().publicKey.toBase58();
  const project = Keypair.generate().publicKey.toBase58();
  const jobWatchers = new Map<string, Set<() => void>>();
  const runWatchers = new Set<() => void>();
  const notify = (job: string) => {
    for (const listener of [...(jobWatchers.get(job) ?? []), ...runWatchers]) queueMicrotask(listener);
  };
  const call = (method: string, args: unknown[]) => {
    calls[method] = (calls[method] ?? 0) + 1;
    const error = chain.fault?.(method, args);
    if (error) throw error;
  };
  const startRun = (job: FakeJob) => {
    const run: RunView = {
      address: Keypair.generate().publicKey,
      job: new PublicKey(job.address),
      node: new PublicKey(address),
      payer: new PublicKey(address),
      time: chain.time,
    };
    runsByJob.set(job.address, run);
    job.state = 'RUNNING';
    job.node = address;
    job.timeStart = chain.time;
    notify(job.address);
    return run;
  };
  const view = (job: FakeJob): JobView => ({
    address: new PublicKey(job.address),
    state: job.state,
    definition: job.definition,
    result: job.result,
    market: new PublicKey(market),
    node: job.node ? new PublicKey(job.node) : null,
    payer: new PublicKey(project),
    project: new PublicKey(job.project),
    price: job.price,
    timeout: job.timeout,
    timeStart: job.timeStart,
    timeEnd: job.timeEnd,
    run: runsByJob.get(job.address) ?? null,
  });
  const pin = (value: unknown) => {
    const text = canonicalJson(value);
    const cid = bytes32ToCid(createHash('sha256').update(text).digest());
    pins.set(cid, text);
    return cid;
  };
  const notFound = (job: string) =>
    new NosanaError('CHAIN__JOB_NOT_FOUND', `no job at ${job}`, { address: job });
  const get = (job: string) => {
    const found = jobs.get(job);
    if (!found) throw notFound(job);
    return found;
  };

  const chain: FakeChain = {
    address,
    network: 'fake',
    jobs,
    runsByJob,
    pins,
    market,
    queue,
    calls,
    log,
    earned: 0n,
    time: 1_700_000_000,
    fault: undefined,
    postJob(definition, { timeout = 600, price = 10n } = {}) {
      const job: FakeJob = {
        address: Keypair.generate().publicKey.toBase58(),
        state: 'QUEUED',
        definition: pin(definition),
        result: null,
        node: null,
        project,
        price,
        timeout,
        timeStart: 0,
        timeEnd: 0,
      };
      jobs.set(job.address, job);
      if (queue.length > 0) {
        queue.shift();
        startRun(job);
      }
      return job.address;
    },
    ownerStop(jobAddress) {
      const job = get(jobAddress);
      const run = runsByJob.get(jobAddress);
      if (!run) return;
      runsByJob.delete(jobAddress);
      job.state = 'COMPLETED';
      job.timeEnd = chain.time;
      chain.earned += job.price * BigInt(Math.min(job.timeout, job.timeEnd - job.timeStart));
      log.push(`end ${jobAddress}`);
      notify(jobAddress);
    },
    async chainTime() {
      call('chainTime', []);
      return chain.time;
    },
    async getJob(job) {
      call('getJob', [job]);
      return view(get(job));
    },
    watchJob(job, onChange) {
      const set = jobWatchers.get(job) ?? new Set();
      set.add(onChange);
      jobWatchers.set(job, set);
      return () => set.delete(onChange);
    },
    watchRuns(onChange) {
      runWatchers.add(onChange);
      return () => runWatchers.delete(onChange);
    },
    async runs() {
      call('runs', []);
      return [...runsByJob.values()];
    },
    async getMarket(ref) {
      call('getMarket', [ref]);
      const view: Partial<MarketView> = {
        address: new PublicKey(market),
        name: 'cpu',
        jobType: 0,
        jobPrice: 10n,
        nodeXnosMinimum: 0n,
        nodeAccessKey: SystemProgram.programId,
        queueKind: queue.length ? 'nodes' : 'empty',
        queue: queue.map((k) => new PublicKey(k)),
      };
      return view as MarketView;
    },
    async queuedMarkets() {
      call('queuedMarkets', []);
      return queue.includes(address) ? [market] : [];
    },
    async isQueued(ref) {
      call('isQueued', [ref]);
      return queue.includes(address);
    },
    async work(ref) {
      call('work', [ref]);
      const waiting = [...jobs.values()].find((j) => j.state === 'QUEUED');
      if (waiting) {
        log.push(`work ${waiting.address}`);
        return { run: startRun(waiting) };
      }
      if (!queue.includes(address)) queue.push(address);
      log.push('work (queued)');
      return { run: null };
    },
    async leave(ref) {
      call('leave', [ref]);
      queue.splice(queue.indexOf(address) >>> 0, queue.includes(address) ? 1 : 0);
      log.push('leave');
    },
    async finish(run, result) {
      call('finish', [run, result]);
      const job = get(run.job.toBase58());
      if (runsByJob.get(job.address)?.address.equals(run.address) !== true)
        throw new NosanaError('CHAIN__PROGRAM_JOB_IN_WRONG_STATE', 'the run is closed', {} as never);
      runsByJob.delete(job.address);
      job.state = 'COMPLETED';
      job.result = result;
      job.timeEnd = chain.time;
      chain.earned += job.price * BigInt(Math.min(job.timeout, job.timeEnd - job.timeStart));
      log.push(`finish ${job.address} ${result}`);
      notify(job.address);
    },
    async complete(jobAddress, result) {
      call('complete', [jobAddress, result]);
      const job = get(jobAddress);
      job.result = result;
      log.push(`complete ${jobAddress} ${result}`);
      notify(jobAddress);
    },
    async quit(run) {
      call('quit', [run]);
      const job = get(run.job.toBase58());
      runsByJob.delete(job.address);
      job.state = 'STOPPED';
      job.node = null;
      log.push(`quit ${job.address}`);
      notify(job.address);
    },
    async balances() {
      call('balances', []);
      return { sol: 10n ** 9n, nos: chain.earned };
    },
    async prepare() {
      call('prepare', []);
      return { createdStake: false };
    },
    async stake() {
      call('stake', []);
      return { xnos: 0n } as Awaited<ReturnType<ChainPort['stake']>>;
    },
    async pinJson(value) {
      call('pinJson', [value]);
      return pin(value);
    },
    async readJson<T>(cid: CidV0) {
      call('readJson', [cid]);
      const text = pins.get(cid);
      if (text === undefined)
        throw new NosanaError('CHAIN__IPFS_NOT_FOUND', `${cid} not found`, { cid, url: 'fake' });
      return JSON.parse(text) as T;
    },
  };
  return chain;
}

/** A clock whose time moves only through {@link FakeClock.advance} / {@link FakeClock.runUntil}. */
export interface FakeClock extends Clock {
  /** Every sleep asked for, in ms (to check backoff). */
  readonly sleeps: number[];
  /** Moves time forward, waking sleepers in order. */
  advance(ms: number): Promise<void>;
  /**
   * Lets real work (fake containers) run and moves time to the next sleeper until `done()` holds; throws after
   * `maxMs` of fake time.
   */
  runUntil(done: () => boolean, options?: { maxMs?: number }): Promise<void>;
}

/**
 * A fake clock for unit tests.
 *
 * @example
 * ```ts
 * const clock = createFakeClock();
 * await clock.runUntil(() => chain.log.some((l) => l.startsWith('finish')));
 * ```
 */
export function createFakeClock(start = 1_700_000_000_000): FakeClock {
  let now = start;
  const timers: Array<{ at: number; wake: () => void }> = [];
  const sleeps: number[] = [];
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
  const fire = (until: number) => {
    timers.sort((a, b) => a.at - b.at);
    while (timers.length > 0 && timers[0]!.at <= until) timers.shift()!.wake();
  };
  return {
    sleeps,
    now: () => now,
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = {
          at: now + ms,
          wake: () => {
            signal?.removeEventListener('abort', abort);
            resolve();
          },
        };
        const abort = () => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          resolve();
        };
        signal?.addEventListener('abort', abort, { once: true });
        timers.push(timer);
      });
    },
    async advance(ms) {
      const target = now + ms;
      // Let work already under way ask for its sleeps first.
      await settle();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > target) break;
        now = next.at;
        fire(now);
        await settle();
      }
      now = target;
    },
    async runUntil(done, { maxMs = 3_600_000 } = {}) {
      const limit = now + maxMs;
      while (!done()) {
        await settle();
        if (done()) return;
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next) {
          if (next.at > limit)
            throw new NosanaError(
              'NODE__STOPPED',
              `runUntil: the condition did not hold within ${maxMs} ms of fake time`,
              { operation: 'runUntil' },
            );
          now = Math.max(now, next.at);
          fire(now);
        }
      }
    },
  };
}
