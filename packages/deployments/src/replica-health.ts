/**
 * What the reconciler makes of health: which running replicas serve (ready), which are replaced (offline past
 * {@link UNHEALTHY_GRACE_MS}, or never healthy within {@link STARTUP_GRACE_MS}), and when to look again. Pure.
 */
import { STARTUP_GRACE_MS, UNHEALTHY_GRACE_MS } from './policy.js';
import type { JobHealth, ObservedJob } from './types.js';

/** A replica the reconciler should look at again, and why. */
export interface Deadline {
  at: number;
  action: string;
}

/** The health of a running job, or null when it is not running or the source says nothing (healthy). */
const healthOf = (job: ObservedJob, health: ReadonlyMap<string, JobHealth>) =>
  job.state === 'RUNNING' ? (health.get(job.address) ?? null) : null;

/**
 * A running job that serves: the health source says online, or says nothing about it.
 *
 * @example
 * ```ts
 * isReady(job, new Map()); // true when job.state === 'RUNNING'
 * ```
 */
export function isReady(job: ObservedJob, health: ReadonlyMap<string, JobHealth>): boolean {
  const state = healthOf(job, health)?.state;
  return job.state === 'RUNNING' && (state === undefined || state === 'online');
}

/**
 * The open jobs to replace because they stayed offline past the grace (or starting past the startup grace), and
 * the deadlines of those still within it.
 *
 * @example
 * ```ts
 * const { unhealthy, deadlines } = unhealthyJobs(open, observed.health, now);
 * ```
 */
export function unhealthyJobs(
  open: readonly ObservedJob[],
  health: ReadonlyMap<string, JobHealth>,
  now: number,
): { unhealthy: ObservedJob[]; deadlines: Deadline[] } {
  const unhealthy: ObservedJob[] = [];
  const deadlines: Deadline[] = [];
  for (const job of open) {
    const current = healthOf(job, health);
    if (!current || current.state === 'online') continue;
    const grace = current.state === 'offline' ? UNHEALTHY_GRACE_MS : STARTUP_GRACE_MS;
    if (now - current.since >= grace) unhealthy.push(job);
    else
      deadlines.push({
        at: current.since + grace,
        action: `replace ${current.state === 'offline' ? 'unhealthy' : 'never healthy'} ${job.address}`,
      });
  }
  return { unhealthy, deadlines };
}
