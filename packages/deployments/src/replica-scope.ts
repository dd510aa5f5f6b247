/**
 * Per strategy, which open jobs count toward a deployment's replicas and how many are wanted now: SIMPLE counts
 * completed jobs of the current run as done, SCHEDULED works per cron firing, INFINITE marks jobs due for
 * rotation. Pure.
 */
import { rotateAt } from './policy.js';
import type { Deadline } from './replica-health.js';
import { dueFiring, parseSchedule } from './schedule.js';
import type { Deployment, ObservedJob } from './types.js';

/** What {@link replicaScope} decides. */
export interface ReplicaScope {
  /** Replicas wanted now. */
  want: number;
  /** The open, healthy jobs that count toward them. */
  scope: ObservedJob[];
  /** SCHEDULED: the firing due now, else null. */
  firing: number | null;
  /** SCHEDULED: earlier firings a late manager still runs. */
  catchUp: number[];
  /** INFINITE: jobs whose replacement is due. */
  rotating: Set<string>;
  deadlines: Deadline[];
  notes: string[];
}

/**
 * The replicas a deployment wants at `now` and the open jobs (`alive`: neither stopped nor unhealthy) that count.
 *
 * @example
 * ```ts
 * const { want, scope } = replicaScope(deployment, observed.jobs, alive, now);
 * ```
 */
export function replicaScope(
  d: Deployment,
  jobs: readonly ObservedJob[],
  alive: ObservedJob[],
  now: number,
): ReplicaScope {
  const result: ReplicaScope = {
    want: d.replicas,
    scope: alive,
    firing: null,
    catchUp: [],
    rotating: new Set(),
    deadlines: [],
    notes: [],
  };
  const completed = (j: ObservedJob) => j.state === 'COMPLETED' && j.stoppedBy === null;
  if (d.strategy === 'SIMPLE') {
    const done = jobs.filter((j) => j.listedAt >= d.startedAt && completed(j)).length;
    result.want = Math.max(0, d.replicas - done);
  } else if (d.strategy === 'SCHEDULED') {
    const schedule = parseSchedule(d.schedule ?? '');
    const due = dueFiring(schedule, d.lastFiring ?? d.startedAt, now);
    // A late manager still runs the earlier firings whose jobs would not have expired yet; older ones are skipped.
    result.catchUp = due.earlier.filter((f) => f + d.timeout * 1000 > now);
    const skipped = due.earlier.length - result.catchUp.length;
    if (skipped > 0)
      result.notes.push(`${skipped} missed firing(s) skipped: their jobs would have expired already`);
    result.firing = due.firing;
    const current = due.firing ?? d.lastFiring;
    const windowOpen = current !== null && now < current + d.timeout * 1000;
    result.scope = alive.filter((j) => j.firing === current);
    const done = jobs.filter((j) => j.firing === current && completed(j)).length;
    result.want =
      current !== null && (due.firing !== null || windowOpen) ? Math.max(0, d.replicas - done) : 0;
    const upcoming = schedule.nextAfter(Math.max(now, current ?? 0));
    if (upcoming !== null)
      result.deadlines.push({ at: upcoming, action: `list ${d.replicas} job(s) (cron)` });
  } else if (d.strategy === 'INFINITE') {
    for (const job of alive) {
      if (job.state !== 'RUNNING') continue;
      const at = rotateAt(job, d.rotation);
      if (now >= at) result.rotating.add(job.address);
      else result.deadlines.push({ at, action: `list a replacement for ${job.address} (rotation)` });
    }
  }
  return result;
}
