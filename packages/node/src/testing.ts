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
  /** Images the fake market declares (`requiredImages`). */
  marketImages: string[];
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

/** The fake chain: state in maps, each port method a small step on it. */
class FakeChainState implements FakeChain {
  readonly network = 'fake';
  readonly jobs = new Map<string, FakeJob>();
  readonly runsByJob = new Map<string, RunView>();
  readonly pins = new Map<CidV0, string>();
  readonly queue: string[] = [];
  readonly calls: Record<string, number> = {};
  readonly log: string[] = [];
  readonly market = Keypair.generate().publicKey.toBase58();
  earned = 0n;
  marketImages: string[] = [];
  time = 1_700_000_000;
  fault: FakeChain['fault'] = undefined;
  private readonly project = Keypair.generate().publicKey.toBase58();
  private readonly jobWatchers = new Map<string, Set<() => void>>();
  private readonly runWatchers = new Set<() => void>();

  constructor(readonly address: string) {}

  private notify(job: string) {
    for (const listener of [...(this.jobWatchers.get(job) ?? []), ...this.runWatchers])
      queueMicrotask(listener);
  }
  private call(method: string, args: unknown[]) {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    const error = this.fault?.(method, args);
    if (error) throw error;
  }
  private find(job: string): FakeJob {
    const found = this.jobs.get(job);
    if (!found) throw new NosanaError('CHAIN__JOB_NOT_FOUND', `no job at ${job}`, { address: job });
    return found;
  }
  private pin(value: unknown): CidV0 {
    const text = canonicalJson(value);
    const cid = bytes32ToCid(createHash('sha256').update(text).digest());
    this.pins.set(cid, text);
    return cid;
  }
  private startRun(job: FakeJob): RunView {
    const run: RunView = {
      address: Keypair.generate().publicKey,
      job: new PublicKey(job.address),
      node: new PublicKey(this.address),
      payer: new PublicKey(this.address),
      time: this.time,
    };
    this.runsByJob.set(job.address, run);
    Object.assign(job, { state: 'RUNNING', node: this.address, timeStart: this.time });
    this.notify(job.address);
    return run;
  }
  private end(job: FakeJob, result: CidV0 | null) {
    this.runsByJob.delete(job.address);
    Object.assign(job, { state: 'COMPLETED', result, timeEnd: this.time });
    this.earned += job.price * BigInt(Math.min(job.timeout, job.timeEnd - job.timeStart));
    this.notify(job.address);
  }
  private view(job: FakeJob): JobView {
    return {
      address: new PublicKey(job.address),
      state: job.state,
      definition: job.definition,
      result: job.result,
      market: new PublicKey(this.market),
      node: job.node ? new PublicKey(job.node) : null,
      payer: new PublicKey(this.project),
      project: new PublicKey(job.project),
      price: job.price,
      timeout: job.timeout,
      timeStart: job.timeStart,
      timeEnd: job.timeEnd,
      run: this.runsByJob.get(job.address) ?? null,
    };
  }

  postJob(definition: unknown, { timeout = 600, price = 10n } = {}) {
    const job: FakeJob = {
      address: Keypair.generate().publicKey.toBase58(),
      state: 'QUEUED',
      definition: this.pin(definition),
      result: null,
      node: null,
      project: this.project,
      price,
      timeout,
      timeStart: 0,
      timeEnd: 0,
    };
    this.jobs.set(job.address, job);
    if (this.queue.length > 0) {
      this.queue.shift();
      this.startRun(job);
    }
    return job.address;
  }
  ownerStop(job: string) {
    const found = this.find(job);
    if (!this.runsByJob.has(job)) return;
    this.log.push(`end ${job}`);
    this.end(found, null);
  }
  async chainTime() {
    this.call('chainTime', []);
    return this.time;
  }
  async getJob(job: string, run?: string) {
    this.call('getJob', run === undefined ? [job] : [job, run]);
    const view = this.view(this.find(job));
    // Given its run, the chain reads that Run account only: another run of the job is not seen.
    return run === undefined || view.run?.address.toBase58() === run ? view : { ...view, run: null };
  }
  watchJob(job: string, onChange: () => void) {
    const set = this.jobWatchers.get(job) ?? new Set();
    set.add(onChange);
    this.jobWatchers.set(job, set);
    return () => void set.delete(onChange);
  }
  watchRuns(onChange: () => void) {
    this.call('watchRuns', []);
    this.runWatchers.add(onChange);
    return () => void this.runWatchers.delete(onChange);
  }
  async runs() {
    this.call('runs', []);
    return [...this.runsByJob.values()];
  }
  async getMarket(ref: string) {
    this.call('getMarket', [ref]);
    const view: Partial<MarketView> = {
      address: new PublicKey(this.market),
      name: 'cpu',
      jobType: 0,
      jobPrice: 10n,
      nodeXnosMinimum: 0n,
      nodeAccessKey: SystemProgram.programId,
      queueKind: this.queue.length ? 'nodes' : 'empty',
      queue: this.queue.map((k) => new PublicKey(k)),
    };
    return view as MarketView;
  }
  async requiredImages(ref: string) {
    this.call('requiredImages', [ref]);
    return [...this.marketImages];
  }
  async queuedMarkets() {
    this.call('queuedMarkets', []);
    return this.queue.includes(this.address) ? [this.market] : [];
  }
  async isQueued(ref: string) {
    this.call('isQueued', [ref]);
    return this.queue.includes(this.address);
  }
  async work(ref: string) {
    this.call('work', [ref]);
    const waiting = [...this.jobs.values()].find((j) => j.state === 'QUEUED');
    if (waiting) {
      this.log.push(`work ${waiting.address}`);
      return { run: this.startRun(waiting) };
    }
    if (!this.queue.includes(this.address)) this.queue.push(this.address);
    this.log.push('work (queued)');
    return { run: null };
  }
  async leave(ref: string) {
    this.call('leave', [ref]);
    const index = this.queue.indexOf(this.address);
    if (index >= 0) this.queue.splice(index, 1);
    this.log.push('leave');
  }
  async finish(run: RunView, result: CidV0) {
    this.call('finish', [run, result]);
    const job = this.find(run.job.toBase58());
    if (this.runsByJob.get(job.address)?.address.equals(run.address) !== true)
      throw new NosanaError('CHAIN__TRANSACTION_FAILED', 'finish: the run is closed', {
        error: 'run closed',
      });
    this.log.push(`finish ${job.address} ${result}`);
    this.end(job, result);
  }
  async complete(job: string, result: CidV0) {
    this.call('complete', [job, result]);
    this.find(job).result = result;
    this.log.push(`complete ${job} ${result}`);
    this.notify(job);
  }
  async quit(run: RunView) {
    this.call('quit', [run]);
    const job = this.find(run.job.toBase58());
    this.runsByJob.delete(job.address);
    Object.assign(job, { state: 'STOPPED', node: null });
    this.log.push(`quit ${job.address}`);
    this.notify(job.address);
  }
  async balances() {
    this.call('balances', []);
    return { sol: 10n ** 9n, nos: this.earned };
  }
  async prepare() {
    this.call('prepare', []);
    return { createdStake: false };
  }
  async stake() {
    this.call('stake', []);
    return { xnos: 0n } as Awaited<ReturnType<ChainPort['stake']>>;
  }
  async pinJson(value: unknown) {
    this.call('pinJson', [value]);
    return this.pin(value);
  }
  async readJson<T>(cid: CidV0) {
    this.call('readJson', [cid]);
    const text = this.pins.get(cid);
    if (text === undefined)
      throw new NosanaError('CHAIN__IPFS_NOT_FOUND', `${cid} not found`, { cid, url: 'fake' });
    return JSON.parse(text) as T;
  }
}

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
  return new FakeChainState(address);
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
