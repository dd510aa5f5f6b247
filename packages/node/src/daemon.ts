/**
 * The host daemon's main loop: joins a market queue, waits for runs, hands each to the job runner and then to
 * settlement, and queues again — with recovery after a restart and a graceful stop. Every chain access goes
 * through the {@link ChainPort}; time through the injected {@link Clock}.
 */
import type { RunView } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import type { Runtime, StopReason } from '@nosana/runtime';
import type { ChainPort } from './chain-port.js';
import { runStartupChecks } from './checks.js';
import { type DaemonImages, keepImageCache, noteJobImages, prePullForMarket } from './daemon-images.js';
import type { CreateNodeParameters } from './daemon-parameters.js';
import type { NodeEvent, NodeImageStatus, NodeState } from './events.js';
import { type LiveJob, runJob } from './job-runner.js';
import { createLogTail } from './log-tail.js';
import { nodeLogRecord } from './logger.js';
import { createLogistics, type JobLogistics } from './logistics.js';
import { recoverJobs } from './recovery.js';
import { type Backoff, backoffDelay, type Clock, systemClock } from './retry.js';
import { settleRecord } from './settlement.js';
import type { JobRecord, NodeStore } from './store.js';
import { assertWalletFree } from './wallet-guard.js';

export type { CreateNodeParameters };

/** A node. */
export interface NosanaNode {
  readonly address: string;
  /** Runs checks, recovers, then loops until {@link NosanaNode.stop}. Resolves once stopped. */
  start(): Promise<void>;
  /** Leaves the queue; running jobs are stopped, their partial results pinned and finished. Never rejects. */
  stop(reason?: StopReason): Promise<void>;
  state(): NodeState;
  market(): string | undefined;
  /** Jobs running now (live view). */
  jobs(): LiveJob[];
  /** The images pre-pulled at start (the market's and the operator's) and what became of each. */
  images(): NodeImageStatus[];
  /** Unix ms the node started. */
  readonly startedAt: number;
  /** Confidential jobs' definitions and results (the node API delivers and collects through it). */
  readonly logistics: JobLogistics;
}

/** The daemon's shared state: what its steps (module functions below) read and change. */
interface Daemon {
  p: CreateNodeParameters;
  chain: ChainPort;
  runtime: Runtime;
  store: NodeStore;
  clock: Clock;
  backoff: Backoff | undefined;
  concurrency: number;
  pollMs: number;
  /** Running tasks (a job's run or its settlement), by job. */
  active: Map<string, Promise<void>>;
  live: Map<string, LiveJob>;
  /** Pre-pulled images, the images of running jobs, the image cache (daemon-images.ts). */
  images: DaemonImages;
  /** A job whose task failed waits until then before it is tried again (no hot loop on a failure). */
  retryAt: Map<string, { at: number; failures: number }>;
  stopRequested: AbortController;
  state: NodeState;
  market: string | undefined;
  nap: AbortController | undefined;
  /** Something changed since the loop last read the chain (a run notification, a task ended): look again at once. */
  changed: boolean;
  leaving: Promise<void>;
  logistics: JobLogistics;
}

function emit(d: Daemon, event: NodeEvent): void {
  try {
    d.p.onEvent?.(event);
  } catch {
    // A listener's failure must not stop the node.
  }
  const record = nodeLogRecord(event);
  if (record) d.p.logger?.info(record, event.type);
}

const warn = (d: Daemon, message: string) => emit(d, { type: 'warning', message });
const wake = (d: Daemon) => {
  d.changed = true;
  d.nap?.abort();
};
const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });

function setState(d: Daemon, next: NodeState): void {
  // Once stopping, only `stopped` follows (a loop turn finishing meanwhile does not report `queued`).
  if (next === d.state || (d.state === 'stopping' && next !== 'stopped')) return;
  d.state = next;
  emit(d, { type: 'state', state: next, ...optional('market', d.market) });
}

async function settle(d: Daemon, record: JobRecord): Promise<void> {
  const { replaced, ...settled } = await settleRecord(record, {
    chain: d.chain,
    store: d.store,
    clock: d.clock,
    signal: d.stopRequested.signal,
    ...optional('backoff', d.backoff),
    ...optional('pinAttempts', d.p.pinAttempts),
    ...optional('maxResultBytes', d.p.maxResultBytes),
    onWarning: (message) => warn(d, message),
  });
  emit(d, { type: 'job-finished', ...settled, ...(replaced ? { replaced } : {}) });
}

/** Runs a job (job runner), then settles it (settlement). */
async function execute(d: Daemon, run: RunView): Promise<void> {
  const job = run.job.toBase58();
  const tail = createLogTail();
  const view: LiveJob = {
    job,
    run: run.address.toBase58(),
    startedAt: d.store.get(job)?.startedAt ?? d.clock.now(),
    ops: {},
    endpoints: [],
    tail,
    get logs() {
      return tail.entries();
    },
    pulls: {},
    listeners: new Set(),
  };
  d.live.set(job, view);
  emit(d, { type: 'job-started', job, run: view.run });
  try {
    const record = await runJob({
      chain: d.chain,
      runtime: d.runtime,
      store: d.store,
      clock: d.clock,
      run,
      market: d.market!,
      view,
      shutdown: d.stopRequested.signal,
      pollMs: d.pollMs,
      ...optional('backoff', d.backoff),
      maxDefinitionBytes: d.p.maxDefinitionBytes ?? 1024 * 1024,
      ...optional('maxResultBytes', d.p.maxResultBytes),
      onRuntimeEvent: (event) => emit(d, { type: 'runtime', event }),
      onImages: (images) => noteJobImages(d.images, job, images),
      onWarning: (message) => warn(d, message),
      ...optional('tunnel', d.p.tunnel),
      ...optional('trust', d.p.trust),
      logistics: d.logistics,
      onServiceEvent: (event) => emit(d, event),
      ...optional('serviceHealth', d.p.serviceHealth),
      onServiceOnline: (key) => {
        const [op = '', port = ''] = key.split(':');
        emit(d, { type: 'service-online', job, op, port: Number(port) });
      },
      onUnhealthy: (verdict) =>
        emit(d, {
          type: 'service-unhealthy',
          job,
          op: verdict.opId,
          port: verdict.port,
          since: verdict.since,
          reason: verdict.reason,
        }),
    });
    if (!record) return warn(d, `job ${job} is gone from the chain: nothing to run`);
    d.live.delete(job);
    d.images.jobImages.delete(job);
    await settle(d, record);
    await keepImageCache(d.images);
  } finally {
    d.live.delete(job);
    d.images.jobImages.delete(job);
  }
}

/** Runs `task` for `job` in the background; a failure is reported and the job retried later, with backoff. */
function schedule(d: Daemon, job: string, task: () => Promise<unknown>): void {
  const running = task()
    .then(() => d.retryAt.delete(job))
    .catch((error: unknown) => {
      if (isNosanaError(error, 'NODE__STOPPED')) return warn(d, error.message);
      const failures = (d.retryAt.get(job)?.failures ?? 0) + 1;
      const delay = backoffDelay(failures, d.backoff);
      d.retryAt.set(job, { at: d.clock.now() + delay, failures });
      warn(d, `job ${job}: ${(error as Error).message} — trying again in ${delay} ms`);
    })
    .finally(() => {
      d.active.delete(job);
      wake(d);
    });
  d.active.set(
    job,
    running.then(() => undefined),
  );
}

const due = (d: Daemon, job: string) => !d.active.has(job) && (d.retryAt.get(job)?.at ?? 0) <= d.clock.now();

async function recover(d: Daemon): Promise<void> {
  setState(d, 'recovering');
  const { outcomes, settle: pending } = await recoverJobs({
    chain: d.chain,
    runtime: d.runtime,
    store: d.store,
    clock: d.clock,
    signal: d.stopRequested.signal,
    ...optional('backoff', d.backoff),
    onWarning: (message) => warn(d, message),
  });
  for (const { job, action } of outcomes)
    if (action !== 'settled') emit(d, { type: 'job-recovered', job, action });
  for (const record of pending)
    schedule(d, record.job, async () => {
      await settle(d, record);
      emit(d, { type: 'job-recovered', job: record.job, action: 'settled' });
    });
}

/** Waits `pollMs`, or less when woken; not at all when something changed during the turn. */
async function waitForChange(d: Daemon): Promise<void> {
  if (d.changed || d.stopRequested.signal.aborted) return;
  d.nap = new AbortController();
  try {
    await d.clock.sleep(d.pollMs, d.nap.signal);
  } finally {
    d.nap = undefined;
  }
}

/**
 * One subscription to the runs assigned to this node for the loop's whole life (not one per turn: each costs the
 * RPC a subscribe and an unsubscribe, and a run assigned between a turn's read and its subscription waited a poll).
 */
function watchRuns(d: Daemon): (() => void) | undefined {
  try {
    return d.chain.watchRuns(() => wake(d));
  } catch (error) {
    warn(d, `run notifications unavailable (${(error as Error).message}); polling only`);
    return undefined;
  }
}

/** One turn of the loop: settlements, runs, the queue, then a wait for a change. */
async function tick(d: Daemon): Promise<void> {
  // What this turn reads is fresh: only changes from now on call for another turn at once.
  d.changed = false;
  // Settlements first: they need neither the queue nor a free slot, and they never run containers.
  for (const record of d.store.jobs()) {
    if ((record.phase === 'result-ready' || record.phase === 'result-pinned') && due(d, record.job))
      schedule(d, record.job, () => settle(d, record));
  }
  // A node running all it can takes nothing new: its runs are read again when a slot frees (which wakes the loop),
  // not every turn of a long job.
  if (d.active.size >= d.concurrency) {
    setState(d, 'running');
    return waitForChange(d);
  }
  const runs = await d.chain.runs();
  for (const run of runs) {
    const job = run.job.toBase58();
    if (!due(d, job) || d.active.size >= d.concurrency) continue;
    schedule(d, job, () => execute(d, run));
  }
  // Runs waiting for a retry hold their slot: the node does not take more work than it can run.
  const waiting = runs.filter((r) => !d.active.has(r.job.toBase58()) && d.retryAt.has(r.job.toBase58()));
  const busy = d.active.size + waiting.length;
  if (busy < d.concurrency && !d.stopRequested.signal.aborted && !(await d.chain.isQueued(d.market!))) {
    await d.store.setPresence({ address: d.chain.address, market: d.market! });
    const { run } = await d.chain.work(d.market!);
    if (run) return;
  }
  setState(d, busy > 0 ? 'running' : 'queued');
  await waitForChange(d);
}

async function loop(d: Daemon): Promise<void> {
  const unwatch = watchRuns(d);
  let failures = 0;
  try {
    while (!d.stopRequested.signal.aborted) {
      try {
        await tick(d);
        failures = 0;
      } catch (error) {
        failures++;
        const delay = backoffDelay(failures, d.backoff);
        warn(d, `node loop: ${(error as Error).message} — retrying in ${delay} ms`);
        await d.clock.sleep(delay, d.stopRequested.signal);
      }
    }
  } finally {
    unwatch?.();
  }
}

/** Leaving is serialized and checks the queue each time: `stop()` and the loop's exit may both ask for it. */
function leaveQueue(d: Daemon): Promise<void> {
  d.leaving = d.leaving.then(async () => {
    if (!d.market) return;
    try {
      if (await d.chain.isQueued(d.market)) await d.chain.leave(d.market);
      await d.store.setPresence(undefined);
    } catch (error) {
      warn(d, `leaving the queue failed: ${(error as Error).message}`);
    }
  });
  return d.leaving;
}

/** Runs matched while shutting down, never started, are given back rather than left RUNNING with nobody. */
async function giveBackUnstarted(d: Daemon): Promise<void> {
  for (const run of await d.chain.runs().catch(() => [])) {
    const job = run.job.toBase58();
    if (d.store.get(job)) continue; // Started or settling: recovered at the next start.
    await d.chain
      .quit(run)
      .then(() => warn(d, `job ${job} was matched during shutdown: given back to the market`))
      .catch((error: Error) => warn(d, `giving job ${job} back failed: ${error.message}`));
  }
}

/**
 * Creates a node. Most callers want {@link startHostNode}, which also wires the client, engine, store, logger,
 * wallet lock and API.
 *
 * @example
 * ```ts
 * const node = createNode({ chain: createChainPort(client), runtime, engine, store, market: 'cpu', gpus: await detectGpus() });
 * process.once('SIGINT', () => node.stop());
 * await node.start();
 * ```
 */
export function createNode(parameters: CreateNodeParameters): NosanaNode {
  const clock = parameters.clock ?? systemClock;
  const stopRequested = new AbortController();
  const d: Daemon = {
    p: parameters,
    chain: parameters.chain,
    runtime: parameters.runtime,
    store: parameters.store,
    clock,
    backoff: parameters.backoff,
    concurrency: Math.max(1, parameters.concurrency ?? 1),
    pollMs: parameters.pollMs ?? 5000,
    active: new Map(),
    live: new Map(),
    images: {
      chain: parameters.chain,
      engine: parameters.engine,
      store: parameters.store,
      clock,
      signal: stopRequested.signal,
      prePull: parameters.prePull,
      imageCache: parameters.imageCache,
      images: new Map(),
      jobImages: new Map(),
      emit: (event) => emit(d, event),
      warn: (message) => warn(d, message),
      preparing: () => setState(d, 'preparing'),
    },
    retryAt: new Map(),
    stopRequested,
    state: 'starting',
    market: undefined,
    nap: undefined,
    changed: false,
    leaving: Promise.resolve(),
    logistics: createLogistics({
      clock,
      store: parameters.store,
      ...optional('trust', parameters.trust),
      maxDefinitionBytes: parameters.maxDefinitionBytes ?? 1024 * 1024,
      ...parameters.logistics,
    }),
  };
  // A stop ends the loop's wait at once.
  d.stopRequested.signal.addEventListener('abort', () => wake(d), { once: true });
  let running: Promise<void> | undefined;
  return {
    address: d.chain.address,
    startedAt: clock.now(),
    state: () => d.state,
    market: () => d.market,
    jobs: () => [...d.live.values()],
    images: () => [...d.images.images.values()],
    logistics: d.logistics,
    start() {
      running ??= (async () => {
        const { market } = await runStartupChecks({
          chain: d.chain,
          engine: parameters.engine,
          market: parameters.market,
          gpus: parameters.gpus,
          ...parameters.checks,
          onCheck: (check) => emit(d, { type: 'check', check }),
        });
        // Before the market is known to the node: a node refused here never leaves (or joins) a queue.
        await assertWalletFree({ chain: d.chain, store: d.store });
        d.market = market.address.toBase58();
        await recover(d);
        await prePullForMarket(d.images, d.market);
        await loop(d);
        await Promise.allSettled(d.active.values());
        await giveBackUnstarted(d);
        await leaveQueue(d);
        setState(d, 'stopped');
      })();
      return running;
    },
    async stop(reason: StopReason = 'shutdown') {
      // What ended a start (a failed check, …) is `start()`'s to report: stopping resolves once stopped.
      const stopped = () => running?.catch(() => undefined);
      if (d.stopRequested.signal.aborted) return stopped();
      setState(d, 'stopping');
      for (const job of d.live.keys()) d.runtime.stopFlow(job, reason);
      d.stopRequested.abort(reason);
      await leaveQueue(d);
      await stopped();
    },
  };
}
