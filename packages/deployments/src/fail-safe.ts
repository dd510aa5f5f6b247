/** The rapid-failure fail-safe: a broken image must not burn the budget. Pure. */
import { cooldownMs, RAPID_FAILURE_SECONDS } from './policy.js';
import { isOpen } from './spend.js';
import type { Deployment, ObservedJob } from './types.js';

/** Elapsed seconds of an ended job (0 when it never ran). */
const elapsed = (job: ObservedJob) =>
  job.timeStart > 0 && job.timeEnd > job.timeStart ? job.timeEnd - job.timeStart : 0;

/**
 * The end (ms) of the fail-safe cooldown: ≥ 3 jobs in a row that failed within 5 minutes of starting pause
 * replacements for 1 min, doubling per further failure up to 1 h, counted from the last failure. 0 when none.
 * A failure is a job stopped as unhealthy, one a node quit, or (keep-alive strategies) one that ended early.
 *
 * @example
 * ```ts
 * if (failSafeUntil(deployment, jobs) > now) notes.push('listing paused');
 * ```
 */
export function failSafeUntil(d: Pick<Deployment, 'strategy'>, jobs: readonly ObservedJob[]): number {
  const keepAlive = d.strategy === 'SIMPLE-EXTEND' || d.strategy === 'INFINITE';
  const failed = (j: ObservedJob) =>
    j.stoppedBy === 'unhealthy' ||
    (j.stoppedBy === null &&
      (j.state === 'STOPPED' || (keepAlive && j.state === 'COMPLETED' && elapsed(j) < j.timeout)));
  const ended = jobs
    .filter((j) => !isOpen(j) && j.timeEnd > 0)
    .sort((a, b) => b.timeEnd - a.timeEnd || b.listedAt - a.listedAt);
  let streak = 0;
  for (const job of ended) {
    if (!failed(job) || elapsed(job) >= RAPID_FAILURE_SECONDS) break;
    streak++;
  }
  if (streak === 0) return 0;
  return ended[0]!.timeEnd * 1000 + cooldownMs(streak);
}
