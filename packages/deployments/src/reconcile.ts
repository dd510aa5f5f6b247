import { cooldownMs, extendAt, RAPID_FAILURE_SECONDS, rotateAt, UNHEALTHY_GRACE_MS } from './policy.js';
import { dueFiring, parseSchedule } from './schedule.js';
import { committed, isOpen, listCost } from './spend.js';
import type {
  Action,
  Deployment,
  DeploymentStatus,
  Observed,
  ObservedJob,
  Plan,
  StopReason,
} from './types.js';

/** Parameters of {@link reconcile}. */
export interface ReconcileParameters {
  deployment: Deployment;
  observed: Observed;
  /** Unix milliseconds (the caller's clock). */
  now: number;
}

const ACTIVE: readonly DeploymentStatus[] = ['STARTING', 'RUNNING', 'INSUFFICIENT_FUNDS'];

/** Elapsed seconds of an ended job (0 when it never ran). */
const elapsed = (job: ObservedJob) =>
  job.timeStart > 0 && job.timeEnd > job.timeStart ? job.timeEnd - job.timeStart : 0;

/**
 * Compares a deployment's desired state with what the chain and the health source say, and returns the actions
 * that close the gap: LIST, EXTEND and STOP, each within the budget and the wallet's balance. Pure: no I/O, no
 * clock; the same input always gives the same plan.
 *
 * - SIMPLE: `replicas` jobs once; a job a node quit or that stayed unhealthy is replaced, a completed one is done.
 * - SIMPLE-EXTEND: keeps `replicas` jobs, extending each at `timeout − clamp(10 %, 60 s, 300 s)`.
 * - SCHEDULED: at each cron firing lists `replicas` jobs (a firing is handled once; a late manager
 *   still runs earlier firings whose jobs would not have expired, skips older ones).
 * - INFINITE: keeps `replicas` jobs; a replacement is listed `rotation` before a job expires, the old one stopped
 *   once the replacement runs.
 * - Always: jobs of an older revision are replaced one at a time (a new one runs before an old one stops); ≥ 3
 *   rapid failures (< 5 min) in a row cool listing down (1 min doubling to 1 h).
 *
 * @example
 * ```ts
 * const plan = reconcile({ deployment, observed: { jobs, health, marketPrice: 100n, balance }, now: Date.now() });
 * for (const action of plan.actions) await dispatch(action);
 * ```
 */
export function reconcile({ deployment: d, observed, now }: ReconcileParameters): Plan {
  const actions: Action[] = [];
  const notes: string[] = [];
  const spent = observed.jobs.reduce((sum, job) => sum + committed(job), 0n);
  const nexts: Array<{ at: number; action: string }> = [];
  const stop = (job: ObservedJob, reason: StopReason) =>
    actions.push({ kind: 'STOP', deployment: d.id, job: job.address, reason });

  // Deposits of jobs a node quit are recovered whatever the deployment's status.
  for (const job of observed.jobs)
    if (job.state === 'STOPPED' && job.pending !== 'STOP') stop(job, 'recover');
  const open = observed.jobs.filter((j) => isOpen(j) && j.stoppedBy === null && j.pending !== 'STOP');

  if (!ACTIVE.includes(d.status)) {
    for (const job of open) if (job.state !== 'PENDING') stop(job, 'deployment-stopped');
    const settling = observed.jobs.some((j) => isOpen(j));
    const status = d.status === 'STOPPING' && !settling ? 'STOPPED' : d.status;
    return { actions, status, firing: null, next: null, spent, notes };
  }

  // Unhealthy past grace: replaced, and counted as failures.
  const offlineSince = (job: ObservedJob) => {
    const health = observed.health.get(job.address);
    return job.state === 'RUNNING' && health?.state === 'offline' ? health.since : null;
  };
  const unhealthy = new Set<string>();
  for (const job of open) {
    const since = offlineSince(job);
    if (since === null) continue;
    if (now - since >= UNHEALTHY_GRACE_MS) {
      unhealthy.add(job.address);
      stop(job, 'unhealthy');
    } else nexts.push({ at: since + UNHEALTHY_GRACE_MS, action: `replace unhealthy ${job.address}` });
  }
  const alive = open.filter((j) => !unhealthy.has(j.address));

  // Which open jobs count toward the replicas, and how many are wanted.
  let firing: number | null = null;
  let catchUp: number[] = [];
  let want = d.replicas;
  let scope = alive;
  const rotating = new Set<string>();
  if (d.strategy === 'SIMPLE') {
    const done = observed.jobs.filter(
      (j) => j.listedAt >= d.startedAt && j.state === 'COMPLETED' && j.stoppedBy === null,
    ).length;
    want = Math.max(0, d.replicas - done);
  } else if (d.strategy === 'SCHEDULED') {
    const schedule = parseSchedule(d.schedule ?? '');
    const due = dueFiring(schedule, d.lastFiring ?? d.startedAt, now);
    // A late manager still runs the earlier firings whose jobs would not have expired yet; older ones are skipped.
    catchUp = due.earlier.filter((f) => f + d.timeout * 1000 > now);
    const skipped = due.earlier.length - catchUp.length;
    if (skipped > 0) notes.push(`${skipped} missed firing(s) skipped: their jobs would have expired already`);
    firing = due.firing;
    const current = firing ?? d.lastFiring;
    const windowOpen = current !== null && now < current + d.timeout * 1000;
    scope = alive.filter((j) => j.firing === current);
    const done = observed.jobs.filter(
      (j) => j.firing === current && j.state === 'COMPLETED' && j.stoppedBy === null,
    ).length;
    want = current !== null && (firing !== null || windowOpen) ? Math.max(0, d.replicas - done) : 0;
    const upcoming = schedule.nextAfter(Math.max(now, current ?? 0));
    if (upcoming !== null) nexts.push({ at: upcoming, action: `list ${d.replicas} job(s) (cron)` });
  } else if (d.strategy === 'INFINITE') {
    for (const job of alive) {
      if (job.state !== 'RUNNING') continue;
      const at = rotateAt(job, d.rotation);
      if (now >= at) rotating.add(job.address);
      else nexts.push({ at, action: `list a replacement for ${job.address} (rotation)` });
    }
  }

  const outdated = scope.filter((j) => j.revision < d.activeRevision);
  const good = scope.filter((j) => j.revision >= d.activeRevision && !rotating.has(j.address));
  const ready = good.filter((j) => j.state === 'RUNNING' && offlineSince(j) === null);
  const others = [
    ...scope.filter((j) => rotating.has(j.address)).sort((a, b) => a.timeStart - b.timeStart),
    ...outdated.filter((j) => !rotating.has(j.address)),
  ];

  // Surplus: scaled down, or replacements now cover rotating/outdated jobs.
  const stopping = new Set<string>();
  const surplus = good.length - want;
  if (surplus > 0 && d.strategy !== 'SCHEDULED') {
    const byCost = [...good]
      .filter((j) => j.state !== 'PENDING')
      .sort((a, b) => (a.state === b.state ? b.listedAt - a.listedAt : a.state === 'QUEUED' ? -1 : 1));
    for (const job of byCost.slice(0, surplus)) {
      stopping.add(job.address);
      stop(job, 'surplus');
    }
  }
  const replaceable = Math.min(others.length, Math.max(0, ready.length + others.length - want));
  for (const job of others.slice(0, replaceable)) {
    if (job.state === 'PENDING') continue;
    stopping.add(job.address);
    stop(job, rotating.has(job.address) ? 'rotation' : 'outdated');
  }

  // Budget and balance guard every action that costs NOS.
  let planned = 0n;
  let starved = false;
  let capped = false;
  const afford = (cost: bigint) => {
    if (spent + planned + cost > d.budget) {
      capped = true;
      return false;
    }
    if (planned + cost > observed.balance) {
      starved = true;
      return false;
    }
    planned += cost;
    return true;
  };

  if (d.strategy === 'SIMPLE-EXTEND') {
    for (const job of [...good, ...outdated]) {
      if (job.state !== 'RUNNING' || stopping.has(job.address)) continue;
      const at = extendAt(job);
      if (now < at) {
        nexts.push({ at, action: `extend ${job.address}` });
        continue;
      }
      if (job.pending === 'EXTEND') continue;
      const cost = job.price * BigInt(d.timeout);
      if (afford(cost)) {
        actions.push({
          kind: 'EXTEND',
          deployment: d.id,
          job: job.address,
          timeout: job.timeout + d.timeout,
          cost,
          reason: `extend by ${d.timeout}s before its timeout`,
        });
      }
    }
  }

  // Replacements, subject to the fail-safe and, while old jobs are replaced, one at a time.
  let toList = Math.max(0, want - good.length);
  if (outdated.length > 0)
    toList = Math.min(toList, Math.max(0, d.replicas + 1 + rotating.size - alive.length));
  const cooldownUntil = failSafe(d, observed.jobs);
  if (toList > 0 && cooldownUntil > now && firing === null) {
    notes.push(
      `fail-safe: jobs keep failing within 5 minutes; listing paused until ${new Date(cooldownUntil).toISOString()}`,
    );
    nexts.push({ at: cooldownUntil, action: `list ${toList} replacement(s) after the cooldown` });
    toList = 0;
  }
  const cost = listCost(observed.marketPrice, d.timeout);
  for (const late of catchUp) {
    for (let i = 0; i < d.replicas && afford(cost); i++) {
      actions.push({
        kind: 'LIST',
        deployment: d.id,
        revision: d.activeRevision,
        timeout: d.timeout,
        cost,
        firing: late,
        reason: `late cron firing ${new Date(late).toISOString()}`,
      });
    }
  }
  let listed = 0;
  for (let i = 0; i < toList; i++) {
    if (!afford(cost)) break;
    listed++;
    actions.push({
      kind: 'LIST',
      deployment: d.id,
      revision: d.activeRevision,
      timeout: d.timeout,
      cost,
      firing: d.strategy === 'SCHEDULED' ? (firing ?? d.lastFiring) : null,
      reason: firing !== null ? `cron firing ${new Date(firing).toISOString()}` : 'replica missing',
    });
  }
  if (capped)
    notes.push(`budget: ${d.budget - spent - planned} base units left, not enough for the next job`);
  if (starved) notes.push('insufficient funds: the wallet cannot pay the next deposit; top it up');

  if (d.strategy === 'SIMPLE-EXTEND' || d.strategy === 'INFINITE') {
    for (const job of alive) {
      if (job.state === 'RUNNING')
        nexts.push({
          at: (job.timeStart + job.timeout) * 1000,
          action: `replace ${job.address} when it expires`,
        });
    }
  }

  const stillOpen = alive.length + listed - stopping.size > 0;
  const pending = observed.jobs.some((j) => isOpen(j));
  let status: DeploymentStatus;
  if (starved) status = 'INSUFFICIENT_FUNDS';
  else if (!stillOpen && !pending && (want === 0 || capped) && d.strategy !== 'SCHEDULED') status = 'STOPPED';
  else if (ready.length > 0 || d.strategy === 'SCHEDULED') status = 'RUNNING';
  else status = 'STARTING';
  if (status === 'STOPPED' && capped) notes.push('budget exhausted: the deployment stopped');

  const next = nexts.length ? nexts.reduce((a, b) => (b.at < a.at ? b : a)) : null;
  return { actions, status, firing, next, spent, notes };
}

/**
 * The end (ms) of the fail-safe cooldown: ≥ 3 jobs in a row that failed within 5 minutes of starting pause
 * replacements for 1 min, doubling per further failure up to 1 h, counted from the last failure. 0 when none.
 */
function failSafe(d: Deployment, jobs: ObservedJob[]): number {
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
