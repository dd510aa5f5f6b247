/**
 * The host daemon's main loop: joins a market queue, waits for runs, hands each to the job runner and then to
 * settlement, and queues again — with recovery after a restart and a graceful stop. Every chain access goes
 * through the {@link ChainPort}; time through the injected {@link Clock}.
 */
import type { RunView } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import type { ContainerEngine, DetectGpusResult, Runtime, StopReason } from '@nosana/runtime';
import type { Logger } from 'pino';
import type { ChainPort } from './chain-port.js';
import { runStartupChecks, type StartupChecksParameters } from './checks.js';
import type { NodeEvent, NodeState } from './events.js';
import { type LiveJob, runJob } from './job-runner.js';
import { nodeLogRecord } from './logger.js';
import { recoverJobs } from './recovery.js';
import { type Backoff, backoffDelay, type Clock, systemClock } from './retry.js';
import { settleRecord } from './settlement.js';
import type { JobRecord, NodeStore } from './store.js';
import { assertWalletFree } from './wallet-guard.js';

/** Parameters of {@link createNode}. */
export interface CreateNodeParameters {
  chain: ChainPort;
  runtime: Runtime;
  engine: ContainerEngine;
  store: NodeStore;
  /** Market address or name. */
  market: string;
  gpus: DetectGpusResult;
  /** Jobs run at once. Default 1. */
  concurrency?: number;
  /** Poll interval when WebSocket notifications are missed. Default 5 s. */
  pollMs?: number;
  /** Largest job definition accepted. Default 1 MiB. */
  maxDefinitionBytes?: number;
  /** Largest result pinned (logs are cut to fit). Default 16 MiB. */
  maxResultBytes?: number;
  /** Attempts to pin a full result before a shortened one replaces it. Default 6. */
  pinAttempts?: number;
  /** Backoff of retried RPC and IPFS calls. Default 0.5 s doubling to 30 s. */
  backoff?: Backoff;
  clock?: Clock;
  logger?: Logger;
  onEvent?: (event: NodeEvent) => void;
  /** Start-up check options (disk path and minimums). */
  checks?: Pick<StartupChecksParameters, 'diskPath' | 'minDiskBytes' | 'minLamports'>;
}

/** A node. */
export interface NosanaNode {
  readonly address: string;
  /** Runs checks, recovers, then loops until {@link NosanaNode.stop}. Resolves once stopped. */
  start(): Promise<void>;
  /** Leaves the queue; running jobs are stopped, their partial results pinned and finished. */
  stop(reason?: StopReason): Promise<void>;
  state(): NodeState;
  market(): string | undefined;
  /** Jobs running now (live view). */
  jobs(): LiveJob[];
  /** Unix ms the node started. */
  readonly startedAt: number;
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
  const { chain, runtime, engine, store } = parameters;
  const clock = parameters.clock ?? systemClock;
  const concurrency = Math.max(1, parameters.concurrency ?? 1);
  const pollMs = parameters.pollMs ?? 5000;
  const backoff = parameters.backoff;
  const me = chain.address;
  const active = new Map<string, Promise<void>>();
  const live = new Map<string, LiveJob>();
  /** A job whose task failed waits until then before it is tried again (no hot loop on a failure). */
  const retryAt = new Map<string, { at: number; failures: number }>();
  const stopRequested = new AbortController();
  let state: NodeState = 'starting';
  let marketAddress: string | undefined;
  let nap: AbortController | undefined;
  const wake = () => nap?.abort();
  const startedAt = clock.now();

  const emit = (event: NodeEvent) => {
    try {
      parameters.onEvent?.(event);
    } catch {
      // A listener's failure must not stop the node.
    }
    const record = nodeLogRecord(event);
    if (record) parameters.logger?.info(record, event.type);
  };
  const warn = (message: string) => emit({ type: 'warning', message });
  const setState = (next: NodeState) => {
    if (next === state) return;
    state = next;
    emit({ type: 'state', state, ...(marketAddress ? { market: marketAddress } : {}) });
  };
  const settleOptions = {
    chain,
    store,
    clock,
    signal: stopRequested.signal,
    ...(backoff ? { backoff } : {}),
    ...(parameters.pinAttempts ? { pinAttempts: parameters.pinAttempts } : {}),
    ...(parameters.maxResultBytes ? { maxResultBytes: parameters.maxResultBytes } : {}),
    onWarning: warn,
  };

  const settle = async (record: JobRecord) => {
    const { replaced, ...settled } = await settleRecord(record, settleOptions);
    emit({ type: 'job-finished', ...settled, ...(replaced ? { replaced } : {}) });
  };

  const execute = async (run: RunView) => {
    const job = run.job.toBase58();
    const view: LiveJob = {
      job,
      run: run.address.toBase58(),
      startedAt: store.get(job)?.startedAt ?? clock.now(),
      ops: {},
      endpoints: [],
      logs: [],
      listeners: new Set(),
    };
    live.set(job, view);
    emit({ type: 'job-started', job, run: view.run });
    try {
      const record = await runJob({
        chain,
        runtime,
        store,
        clock,
        run,
        market: marketAddress!,
        view,
        shutdown: stopRequested.signal,
        pollMs,
        ...(backoff ? { backoff } : {}),
        maxDefinitionBytes: parameters.maxDefinitionBytes ?? 1024 * 1024,
        ...(parameters.maxResultBytes ? { maxResultBytes: parameters.maxResultBytes } : {}),
        onRuntimeEvent: (event) => emit({ type: 'runtime', event }),
        onWarning: warn,
      });
      if (!record) return warn(`job ${job} is gone from the chain: nothing to run`);
      live.delete(job);
      await settle(record);
    } finally {
      live.delete(job);
    }
  };

  /** Runs `task` for `job` in the background; a failure is reported and the job retried later, with backoff. */
  const schedule = (job: string, task: () => Promise<unknown>) => {
    const running = task()
      .then(() => retryAt.delete(job))
      .catch((error: unknown) => {
        if (isNosanaError(error, 'NODE__STOPPED')) return warn(error.message);
        const failures = (retryAt.get(job)?.failures ?? 0) + 1;
        const delay = backoffDelay(failures, backoff);
        retryAt.set(job, { at: clock.now() + delay, failures });
        warn(`job ${job}: ${(error as Error).message} — trying again in ${delay} ms`);
      })
      .finally(() => {
        active.delete(job);
        wake();
      });
    active.set(
      job,
      running.then(() => undefined),
    );
  };
  const due = (job: string) => !active.has(job) && (retryAt.get(job)?.at ?? 0) <= clock.now();

  const recover = async () => {
    setState('recovering');
    const { outcomes, settle: pending } = await recoverJobs({
      chain,
      runtime,
      store,
      clock,
      signal: stopRequested.signal,
      ...(backoff ? { backoff } : {}),
      onWarning: warn,
    });
    for (const { job, action } of outcomes)
      if (action !== 'settled') emit({ type: 'job-recovered', job, action });
    for (const record of pending)
      schedule(record.job, async () => {
        await settle(record);
        emit({ type: 'job-recovered', job: record.job, action: 'settled' });
      });
  };

  const waitForChange = async () => {
    nap = new AbortController();
    let unwatch: (() => void) | undefined;
    try {
      unwatch = chain.watchRuns(wake);
    } catch (error) {
      warn(`run notifications unavailable (${(error as Error).message}); polling only`);
    }
    try {
      await clock.sleep(pollMs, AbortSignal.any([nap.signal, stopRequested.signal]));
    } finally {
      unwatch?.();
    }
  };

  const tick = async () => {
    // Settlements first: they need neither the queue nor a free slot, and they never run containers.
    for (const record of store.jobs()) {
      if ((record.phase === 'result-ready' || record.phase === 'result-pinned') && due(record.job))
        schedule(record.job, () => settle(record));
    }
    const runs = await chain.runs();
    for (const run of runs) {
      const job = run.job.toBase58();
      if (!due(job) || active.size >= concurrency) continue;
      schedule(job, () => execute(run));
    }
    // Runs waiting for a retry hold their slot: the node does not take more work than it can run.
    const waiting = runs.filter((r) => !active.has(r.job.toBase58()) && retryAt.has(r.job.toBase58()));
    const busy = active.size + waiting.length;
    if (busy < concurrency && !stopRequested.signal.aborted && !(await chain.isQueued(marketAddress!))) {
      await store.setPresence({ address: me, market: marketAddress! });
      const { run } = await chain.work(marketAddress!);
      if (run) return;
    }
    setState(busy > 0 ? 'running' : 'queued');
    await waitForChange();
  };

  const loop = async () => {
    let failures = 0;
    while (!stopRequested.signal.aborted) {
      try {
        await tick();
        failures = 0;
      } catch (error) {
        failures++;
        const delay = backoffDelay(failures, backoff);
        warn(`node loop: ${(error as Error).message} — retrying in ${delay} ms`);
        await clock.sleep(delay, stopRequested.signal);
      }
    }
  };

  // Leaving is serialized and checks the queue each time: `stop()` and the loop's exit may both ask for it.
  let leaving: Promise<void> = Promise.resolve();
  const leaveQueue = () => {
    leaving = leaving.then(async () => {
      if (!marketAddress) return;
      try {
        if (await chain.isQueued(marketAddress)) await chain.leave(marketAddress);
        await store.setPresence(undefined);
      } catch (error) {
        warn(`leaving the queue failed: ${(error as Error).message}`);
      }
    });
    return leaving;
  };

  /** Runs matched while shutting down, never started, are given back rather than left RUNNING with nobody. */
  const giveBackUnstarted = async () => {
    for (const run of await chain.runs().catch(() => [])) {
      const job = run.job.toBase58();
      if (store.get(job)) continue; // Started or settling: recovered at the next start.
      await chain
        .quit(run)
        .then(() => warn(`job ${job} was matched during shutdown: given back to the market`))
        .catch((error: Error) => warn(`giving job ${job} back failed: ${error.message}`));
    }
  };

  let running: Promise<void> | undefined;
  return {
    address: me,
    startedAt,
    state: () => state,
    market: () => marketAddress,
    jobs: () => [...live.values()],
    start() {
      running ??= (async () => {
        const { market } = await runStartupChecks({
          chain,
          engine,
          market: parameters.market,
          gpus: parameters.gpus,
          ...parameters.checks,
          onCheck: (check) => emit({ type: 'check', check }),
        });
        // Before the market is known to the node: a node refused here never leaves (or joins) a queue.
        await assertWalletFree({ chain, store });
        marketAddress = market.address.toBase58();
        await recover();
        await loop();
        await Promise.allSettled(active.values());
        await giveBackUnstarted();
        await leaveQueue();
        setState('stopped');
      })();
      return running;
    },
    async stop(reason: StopReason = 'shutdown') {
      if (stopRequested.signal.aborted) return running;
      setState('stopping');
      for (const job of live.keys()) runtime.stopFlow(job, reason);
      stopRequested.abort(reason);
      await leaveQueue();
      await running;
    },
  };
}
