/**
 * Recovery after a restart (even after kill -9): each job the state directory remembers is resumed, settled, given
 * back, or dropped, and containers nobody owns any more are reaped.
 */
import type { RunView } from '@nosana/chain';
import type { Runtime } from '@nosana/runtime';
import type { ChainPort } from './chain-port.js';
import { type Backoff, type Clock, retry } from './retry.js';
import type { JobRecord, NodeStore } from './store.js';

/**
 * What became of a remembered job: `resumed` (its containers run on, or it had not started), `settled` (its result
 * waits to be posted: settlement resumes), `quit` (its containers are gone: the job is given back unpaid), `dropped`
 * (the chain no longer assigns it to this node).
 */
export type RecoveryAction = 'resumed' | 'settled' | 'quit' | 'dropped';

/** Parameters of {@link recoverJobs}. */
export interface RecoverJobsParameters {
  chain: ChainPort;
  runtime: Runtime;
  store: NodeStore;
  clock: Clock;
  backoff?: Backoff;
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}

/** Result of {@link recoverJobs}. */
export interface RecoverJobsResult {
  outcomes: Array<{ job: string; action: RecoveryAction }>;
  /** Records whose settlement must resume (phase `result-ready` or `result-pinned`). */
  settle: JobRecord[];
  /** The runs assigned to this node now. */
  runs: RunView[];
}

/**
 * Decides what to do with every job the store remembers, given the chain's runs and the engine's containers. Reads
 * that fail are retried with backoff; nothing is decided on a failed read.
 *
 * @example
 * ```ts
 * const { outcomes, settle } = await recoverJobs({ chain, runtime, store, clock: systemClock });
 * ```
 */
export async function recoverJobs(parameters: RecoverJobsParameters): Promise<RecoverJobsResult> {
  const { chain, runtime, store } = parameters;
  const options = (operation: string) => ({
    operation,
    clock: parameters.clock,
    ...(parameters.backoff ? { backoff: parameters.backoff } : {}),
    ...(parameters.signal ? { signal: parameters.signal } : {}),
    onRetry: (error: unknown, attempt: number, delay: number) =>
      parameters.onWarning?.(
        `recovery: ${operation} failed (attempt ${attempt}): ${(error as Error).message} — retrying in ${delay} ms`,
      ),
  });
  const runs = await retry(() => chain.runs(), options("reading this node's runs"));
  const containers = await retry(() => runtime.listJobs(), options('listing containers'));
  const outcomes: RecoverJobsResult['outcomes'] = [];
  const settle: JobRecord[] = [];
  for (const record of store.jobs()) {
    const run = runs.find((r) => r.job.toBase58() === record.job);
    if (record.phase === 'result-ready' || record.phase === 'result-pinned') {
      // With or without a run: settlement decides between finish, complete (owner ended it) and nothing.
      settle.push(record);
      outcomes.push({ job: record.job, action: 'settled' });
    } else if (!run) {
      await store.remove(record.job);
      if (containers.includes(record.job)) await runtime.reap(record.job);
      outcomes.push({ job: record.job, action: 'dropped' });
    } else if (record.phase === 'running' && !containers.includes(record.job)) {
      // The work is lost: give the job back (STOPPED) so another node can claim it or its owner recover it.
      await retry(() => chain.quit(run), options(`giving job ${record.job} back`));
      await store.remove(record.job);
      outcomes.push({ job: record.job, action: 'quit' });
    } else {
      outcomes.push({ job: record.job, action: 'resumed' });
    }
  }
  const dropped = new Set(outcomes.filter((o) => o.action === 'dropped').map((o) => o.job));
  const keep = new Set([...runs.map((r) => r.job.toBase58()), ...store.jobs().map((r) => r.job)]);
  for (const job of containers) if (!keep.has(job) && !dropped.has(job)) await runtime.reap(job);
  return { outcomes, settle, runs };
}
