/**
 * Watching a running job on chain: its deadline (run start + timeout, on the cluster's clock, moved by `extend`) and
 * whether its run is still this node's. Only a confirmed chain state stops the job: a failed RPC read is retried
 * with backoff while the job keeps running.
 */
import type { RunView } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import type { StopReason } from '@nosana/runtime';
import type { ChainPort } from './chain-port.js';
import { type Backoff, backoffDelay, type Clock } from './retry.js';

/** Parameters of {@link watchRun}. */
export interface WatchRunParameters {
  chain: ChainPort;
  clock: Clock;
  run: RunView;
  /** The job's timeout in seconds when the run started. */
  timeout: number;
  /** Poll interval (account notifications wake it earlier). */
  pollMs: number;
  backoff?: Backoff;
  /** Called once with the reason the job must stop. */
  stop: (reason: StopReason) => void;
  onWarning?: (message: string) => void;
}

/** Longest sleep before the deadline is checked again on the chain's clock (a test may move that clock). */
const MAX_DEADLINE_SLEEP_MS = 5000;

/**
 * Starts watching; returns the function that ends the watch.
 *
 * @example
 * ```ts
 * const unwatch = watchRun({ chain, clock, run, timeout: job.timeout, pollMs: 5000, stop: (r) => controller.abort(r) });
 * ```
 */
export function watchRun(parameters: WatchRunParameters): () => void {
  const { chain, clock, run, pollMs, backoff } = parameters;
  const job = run.job.toBase58();
  const ended = new AbortController();
  let timeout = parameters.timeout;
  let nap: AbortController | undefined;
  const stop = (reason: StopReason) => {
    if (ended.signal.aborted) return;
    ended.abort();
    parameters.stop(reason);
  };
  const warn = (message: string) => parameters.onWarning?.(message);

  /** Sleeps `ms`; a notification on the job's account ends it early. */
  const sleep = async (ms: number) => {
    nap = new AbortController();
    if (ended.signal.aborted) return;
    await clock.sleep(ms, nap.signal);
  };
  ended.signal.addEventListener('abort', () => nap?.abort(), { once: true });
  let unwatch: (() => void) | undefined;
  try {
    unwatch = chain.watchJob(job, () => nap?.abort());
  } catch (error) {
    warn(`job ${job}: account notifications unavailable (${(error as Error).message}); polling only`);
  }

  /**
   * Reads the job with this run (one read of both accounts, no scan of the job's runs); null when the read failed
   * (not a statement about the job).
   */
  const read = async () => {
    try {
      return { job: await chain.getJob(job, run.address.toBase58()) };
    } catch (error) {
      if (isNosanaError(error, 'CHAIN__JOB_NOT_FOUND')) return { job: null };
      return { error };
    }
  };
  type View = Awaited<ReturnType<typeof chain.getJob>> | null;
  const ours = (view: View) => view?.run?.address.equals(run.address) === true;
  const signature = (view: View) =>
    view ? `${view.state}:${view.run?.address.toBase58() ?? '-'}:${view.node?.toBase58() ?? '-'}` : 'gone';

  const checkLoop = async () => {
    let failures = 0;
    while (!ended.signal.aborted) {
      const first = await read();
      if ('error' in first) {
        failures++;
        const delay = backoffDelay(failures, backoff);
        if (failures === 1 || failures % 10 === 0)
          warn(
            `job ${job}: reading it on chain failed ${failures}× (${(first.error as Error).message}); the job keeps running, retrying in ${delay} ms`,
          );
        await sleep(delay);
        continue;
      }
      if (failures > 0) warn(`job ${job}: chain reads work again after ${failures} failures`);
      failures = 0;
      if (!ours(first.job)) {
        // Read again before acting: stopping containers is not undone, so two reads must agree on the new state.
        const second = await read();
        if (!('error' in second) && !ours(second.job) && signature(second.job) === signature(first.job))
          return stop('stopped');
        continue;
      }
      timeout = first.job!.timeout;
      await sleep(pollMs);
    }
  };

  const deadlineLoop = async () => {
    let offset: number | undefined;
    let failures = 0;
    while (!ended.signal.aborted) {
      let now: number | undefined;
      try {
        now = await chain.chainTime();
        offset = now - clock.now() / 1000;
        failures = 0;
      } catch {
        failures++;
        // Without the cluster's clock, count on the local clock from the last offset seen.
        if (offset !== undefined) now = clock.now() / 1000 + offset;
      }
      if (now === undefined) {
        await clock.sleep(backoffDelay(failures, backoff), ended.signal);
        continue;
      }
      const remaining = run.time + timeout - now;
      if (remaining <= 0) {
        // Confirmed by a second reading of the cluster's clock (a garbled answer must not end a job).
        const again = await chain.chainTime().catch(() => undefined);
        if (again === undefined || run.time + timeout - again <= 0) return stop('expired');
        continue;
      }
      await clock.sleep(Math.min(remaining * 1000, MAX_DEADLINE_SLEEP_MS), ended.signal);
    }
  };

  void checkLoop();
  void deadlineLoop();
  return () => {
    ended.abort();
    unwatch?.();
  };
}
