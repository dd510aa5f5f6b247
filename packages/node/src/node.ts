/**
 * The host daemon: joins a market queue, waits for a job, runs it with the runtime, pins the result, calls
 * `finish` to get paid, and queues again — surviving crashes (state in LMDB, containers resumed or the job given
 * back) and shutting down gracefully (partial result pinned, node paid for the time it ran).
 */
import {
  ACCOUNT_DISCRIMINATORS,
  getJson,
  type NosanaClient,
  OFFSETS,
  putJson,
  type RunView,
} from '@nosana/chain';
import {
  type FlowState,
  type JobDefinition,
  type LogEntry,
  type OpStatus,
  validateJobDefinition,
} from '@nosana/core';
import type { DetectGpusResult, Runtime, RuntimeEvent, StopReason } from '@nosana/runtime';
import { base58 } from '@scure/base';
import type { Logger } from 'pino';
import { type CheckResult, runStartupChecks } from './checks.js';
import type { NodeStore } from './store.js';

/** What the node is doing. */
export type NodeState = 'starting' | 'recovering' | 'queued' | 'running' | 'stopping' | 'stopped';

/** Events for a terminal or a log. */
export type NodeEvent =
  | { type: 'check'; check: CheckResult }
  | { type: 'state'; state: NodeState; market?: string }
  | { type: 'job-started'; job: string; run: string }
  | {
      type: 'job-finished';
      job: string;
      status: FlowState['status'];
      result: string;
      action: 'finish' | 'complete' | 'none';
      payout: bigint;
    }
  | { type: 'job-recovered'; job: string; action: 'resumed' | 'settled' | 'quit' | 'dropped' }
  | { type: 'runtime'; event: RuntimeEvent }
  | { type: 'warning'; message: string };

/** The live view of a job the node runs (for its API). */
export interface LiveJob {
  job: string;
  run: string;
  startedAt: number;
  ops: Record<string, OpStatus>;
  endpoints: Array<{ opId: string; port: number; url: string; status: string }>;
  logs: Array<LogEntry & { opId: string }>;
  /** Listeners of new log lines (the API's WebSocket). */
  listeners: Set<(entry: LogEntry & { opId: string }) => void>;
}

/** Parameters of {@link createNode}. */
export interface CreateNodeParameters {
  client: NosanaClient;
  runtime: Runtime;
  engine: Parameters<typeof runStartupChecks>[0]['engine'];
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
  logger?: Logger;
  onEvent?: (event: NodeEvent) => void;
  now?: () => number;
  /** Start-up check options (disk path and minimums). */
  checks?: Pick<Parameters<typeof runStartupChecks>[0], 'diskPath' | 'minDiskBytes' | 'minLamports'>;
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
 * Creates a node.
 *
 * @example
 * ```ts
 * const node = createNode({ client, runtime, engine, store, market: 'cpu', gpus: await detectGpus() });
 * process.once('SIGINT', () => node.stop());
 * await node.start();
 * ```
 */
export function createNode(parameters: CreateNodeParameters): NosanaNode {
  const { client, runtime, engine, store } = parameters;
  const now = parameters.now ?? Date.now;
  const concurrency = Math.max(1, parameters.concurrency ?? 1);
  const pollMs = parameters.pollMs ?? 5000;
  const maxDefinitionBytes = parameters.maxDefinitionBytes ?? 1024 * 1024;
  const log = parameters.logger;
  const me = client.address().toBase58();
  const active = new Map<string, Promise<void>>();
  const live = new Map<string, LiveJob>();
  const stopRequested = new AbortController();
  let state: NodeState = 'starting';
  let marketAddress: string | undefined;
  let wake: (() => void) | undefined;
  const startedAt = now();

  const emit = (event: NodeEvent) => {
    try {
      parameters.onEvent?.(event);
    } catch {
      // A listener's failure must not stop the node.
    }
    if (event.type === 'runtime' && event.event.type === 'log') return;
    log?.info({ ...event, payout: 'payout' in event ? String(event.payout) : undefined }, event.type);
  };
  const setState = (next: NodeState) => {
    if (next === state) return;
    state = next;
    emit({ type: 'state', state, ...(marketAddress ? { market: marketAddress } : {}) });
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopRequested.signal.removeEventListener('abort', done);
        if (wake === done) wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
      stopRequested.signal.addEventListener('abort', done, { once: true });
    });

  /** Unix seconds on the cluster (the localnet's clock may be moved in tests). */
  const chainTime = async () => {
    const slot = await client.connection.getSlot();
    return (await client.connection.getBlockTime(slot)) ?? Math.floor(now() / 1000);
  };

  /** Pins the result and settles the job on chain: `finish` (paid) or `complete` (owner ended it). */
  const settle = async (run: RunView, job: string, result: string, status: FlowState['status']) => {
    const before = (await client.balances()).nos;
    const current = await client.jobs.get(job).catch(() => null);
    let action: 'finish' | 'complete' | 'none' = 'none';
    if (current?.run?.address.equals(run.address)) {
      await client.node.finish({ run, result });
      action = 'finish';
    } else if (
      current &&
      current.state === 'COMPLETED' &&
      current.result === null &&
      current.node?.toBase58() === me
    ) {
      await client.node.complete({ job: current.address, result });
      action = 'complete';
    }
    const payout = (await client.balances()).nos - before;
    await store.remove(job);
    emit({ type: 'job-finished', job, status, result, action, payout });
  };

  const execute = async (run: RunView) => {
    const job = run.job.toBase58();
    const view: LiveJob = {
      job,
      run: run.address.toBase58(),
      startedAt: now(),
      ops: {},
      endpoints: [],
      logs: [],
      listeners: new Set(),
    };
    live.set(job, view);
    emit({ type: 'job-started', job, run: view.run });
    await store.put({
      job,
      run: view.run,
      market: marketAddress!,
      phase: 'claimed',
      startedAt: view.startedAt,
    });
    const controller = new AbortController();
    const stopJob = (reason: StopReason) => !controller.signal.aborted && controller.abort(reason);
    const onShutdown = () => stopJob('shutdown');
    stopRequested.signal.addEventListener('abort', onShutdown, { once: true });
    let deadline: NodeJS.Timeout | undefined;
    let subscription: number | undefined;
    let poll: NodeJS.Timeout | undefined;
    try {
      const onChain = await client.jobs.get(run.job);
      // The deadline is the run's start plus the job's timeout, on the cluster's clock; `extend` moves it.
      let timeout = onChain.timeout;
      const arm = async () => {
        if (deadline) clearTimeout(deadline);
        const remaining = run.time + timeout - (await chainTime());
        deadline = setTimeout(() => stopJob('expired'), Math.max(0, remaining * 1000));
      };
      await arm();
      const check = async () => {
        const current = await client.jobs.get(run.job).catch(() => null);
        if (!current?.run?.address.equals(run.address)) {
          stopJob('stopped');
          return;
        }
        if (current.timeout !== timeout) {
          timeout = current.timeout;
          await arm();
        }
      };
      subscription = client.connection.onAccountChange(run.job, () => void check(), {
        commitment: 'confirmed',
      });
      poll = setInterval(() => void check(), pollMs);

      let flow: FlowState;
      const definition = await fetchDefinition(onChain.definition).catch((error: Error) => error);
      if (definition instanceof Error || !definition.ok) {
        const errors =
          definition instanceof Error
            ? [{ message: definition.message }]
            : definition.errors.map((e) => ({
                message: `${e.path}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`,
                code: e.code,
              }));
        flow = { status: 'validation-error', startTime: now(), endTime: now(), errors, opStates: [] };
      } else {
        await store.put({
          job,
          run: view.run,
          market: marketAddress!,
          phase: 'running',
          startedAt: view.startedAt,
        });
        const resume = (await runtime.listJobs()).includes(job);
        flow = await runtime.runFlow({
          jobId: job,
          definition: definition.definition,
          globals: { job, host: me, project: onChain.project.toBase58(), frps_address: '' },
          signal: controller.signal,
          resume,
          onEvent: (event) => {
            if (event.type === 'op-status') view.ops[event.opId] = event.status;
            if (event.type === 'endpoint') {
              view.endpoints = [
                ...view.endpoints.filter((e) => !(e.opId === event.opId && e.port === event.port)),
                { opId: event.opId, port: event.port, url: event.url, status: event.status },
              ];
            }
            if (event.type === 'log') {
              const entry = { ...event.entry, opId: event.opId };
              view.logs.push(entry);
              if (view.logs.length > 1000) view.logs.shift();
              for (const listener of view.listeners) listener(entry);
            }
            emit({ type: 'runtime', event });
          },
        });
      }
      const result = await putJson(client.ipfs, flow);
      await store.put({
        job,
        run: view.run,
        market: marketAddress!,
        phase: 'result-pinned',
        startedAt: view.startedAt,
        result,
        status: flow.status,
      });
      await settle(run, job, result, flow.status);
    } finally {
      if (deadline) clearTimeout(deadline);
      if (poll) clearInterval(poll);
      if (subscription !== undefined)
        void client.connection.removeAccountChangeListener(subscription).catch(() => undefined);
      stopRequested.signal.removeEventListener('abort', onShutdown);
      live.delete(job);
    }
  };

  const fetchDefinition = async (cid: string) => {
    const raw = await getJson<JobDefinition>(client.ipfs, cid, { maxBytes: maxDefinitionBytes });
    return validateJobDefinition(raw);
  };

  /** After a restart: settle pinned results, give back jobs whose containers are gone, reap strays. */
  const recover = async () => {
    setState('recovering');
    const runs = await client.node.runs();
    const containers = await runtime.listJobs();
    for (const record of store.jobs()) {
      const run = runs.find((r) => r.job.toBase58() === record.job);
      if (!run) {
        await store.remove(record.job);
        emit({ type: 'job-recovered', job: record.job, action: 'dropped' });
        continue;
      }
      if (record.phase === 'result-pinned' && record.result) {
        await settle(run, record.job, record.result, record.status ?? 'success');
        emit({ type: 'job-recovered', job: record.job, action: 'settled' });
      } else if (record.phase === 'running' && !containers.includes(record.job)) {
        // The work is lost: give the job back (STOPPED) so another node can claim it or its owner recover it.
        await client.node.quit(run);
        await store.remove(record.job);
        emit({ type: 'job-recovered', job: record.job, action: 'quit' });
      } else {
        emit({ type: 'job-recovered', job: record.job, action: 'resumed' });
      }
    }
    const keep = new Set([...runs.map((r) => r.job.toBase58()), ...store.jobs().map((r) => r.job)]);
    for (const job of containers) if (!keep.has(job)) await runtime.reap(job);
  };

  const waitForChange = async () => {
    const subscription = client.connection.onProgramAccountChange(client.ids.jobs, () => wake?.(), {
      commitment: 'confirmed',
      filters: [
        { memcmp: { offset: 0, bytes: base58.encode(ACCOUNT_DISCRIMINATORS.RunAccount) } },
        { memcmp: { offset: OFFSETS.run.node, bytes: me } },
      ],
    });
    try {
      await Promise.race([sleep(pollMs), ...active.values()]);
    } finally {
      void client.connection.removeProgramAccountChangeListener(subscription).catch(() => undefined);
    }
  };

  const loop = async () => {
    while (!stopRequested.signal.aborted) {
      try {
        const runs = await client.node.runs();
        for (const run of runs) {
          const job = run.job.toBase58();
          if (active.has(job) || active.size >= concurrency) continue;
          const task = execute(run)
            .catch((error: Error) => emit({ type: 'warning', message: `job ${job}: ${error.message}` }))
            .finally(() => {
              active.delete(job);
              wake?.();
            });
          active.set(job, task);
        }
        if (
          active.size < concurrency &&
          !stopRequested.signal.aborted &&
          !(await client.node.isQueued(marketAddress!))
        ) {
          const { run } = await client.node.work(marketAddress!);
          if (run) continue;
        }
        setState(active.size > 0 ? 'running' : 'queued');
        await waitForChange();
      } catch (error) {
        emit({ type: 'warning', message: `node loop: ${(error as Error).message} — retrying` });
        await sleep(Math.min(pollMs, 5000));
      }
    }
  };

  // Leaving is serialized and checks the queue each time: `stop()` and the loop's exit may both ask for it.
  let leaving: Promise<void> = Promise.resolve();
  const leaveQueue = () => {
    leaving = leaving.then(async () => {
      if (!marketAddress || !(await client.node.isQueued(marketAddress).catch(() => false))) return;
      await client.node
        .leave(marketAddress)
        .catch((error: Error) =>
          emit({ type: 'warning', message: `leaving the queue failed: ${error.message}` }),
        );
    });
    return leaving;
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
          client,
          engine,
          market: parameters.market,
          gpus: parameters.gpus,
          ...parameters.checks,
          onCheck: (check) => emit({ type: 'check', check }),
        });
        marketAddress = market.address.toBase58();
        await recover();
        await loop();
        await Promise.allSettled(active.values());
        // A job matched while shutting down is given back, not left RUNNING with nobody on it.
        for (const run of await client.node.runs().catch(() => [])) {
          await client.node
            .quit(run)
            .then(() =>
              emit({
                type: 'warning',
                message: `job ${run.job.toBase58()} was matched during shutdown: given back to the market`,
              }),
            )
            .catch((error: Error) =>
              emit({
                type: 'warning',
                message: `giving job ${run.job.toBase58()} back failed: ${error.message}`,
              }),
            );
        }
        await leaveQueue();
        setState('stopped');
      })();
      return running;
    },
    async stop(reason: StopReason = 'shutdown') {
      if (stopRequested.signal.aborted) return running;
      setState('stopping');
      for (const job of active.keys()) runtime.stopFlow(job, reason);
      stopRequested.abort(reason);
      await leaveQueue();
      await running;
    },
  };
}
