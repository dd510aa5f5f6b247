import { failSafeUntil } from './fail-safe.js';
import { extendAt } from './policy.js';
import { type Deadline, isReady, unhealthyJobs } from './replica-health.js';
import { type ReplicaScope, replicaScope } from './replica-scope.js';
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

/** The plan being built: actions, deadlines and notes, appended to by the steps below. */
interface Draft {
  d: Deployment;
  now: number;
  actions: Action[];
  deadlines: Deadline[];
  notes: string[];
}

const stop = (draft: Draft, job: ObservedJob, reason: StopReason) =>
  draft.actions.push({ kind: 'STOP', deployment: draft.d.id, job: job.address, reason });

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
 * - Always: jobs of an older revision are replaced one at a time (a new one serves before an old one stops); a
 *   replica offline past the grace (or never healthy) is replaced; ≥ 3 rapid failures (< 5 min) in a row cool
 *   listing down (1 min doubling to 1 h).
 *
 * @example
 * ```ts
 * const plan = reconcile({ deployment, observed: { jobs, health, marketPrice: 100n, balance }, now: Date.now() });
 * for (const action of plan.actions) await dispatch(action);
 * ```
 */
export function reconcile({ deployment: d, observed, now }: ReconcileParameters): Plan {
  const draft: Draft = { d, now, actions: [], deadlines: [], notes: [] };
  const spent = observed.jobs.reduce((sum, job) => sum + committed(job), 0n);

  // Deposits of jobs a node quit are recovered whatever the deployment's status.
  for (const job of observed.jobs)
    if (job.state === 'STOPPED' && job.pending !== 'STOP') stop(draft, job, 'recover');
  const open = observed.jobs.filter((j) => isOpen(j) && j.stoppedBy === null && j.pending !== 'STOP');

  if (!ACTIVE.includes(d.status)) {
    for (const job of open) if (job.state !== 'PENDING') stop(draft, job, 'deployment-stopped');
    const settling = observed.jobs.some((j) => isOpen(j));
    const status = d.status === 'STOPPING' && !settling ? 'STOPPED' : d.status;
    return { actions: draft.actions, status, firing: null, next: null, spent, notes: draft.notes };
  }

  // Unhealthy past grace: replaced, and counted as failures.
  const sick = unhealthyJobs(open, observed.health, now);
  for (const job of sick.unhealthy) stop(draft, job, 'unhealthy');
  draft.deadlines.push(...sick.deadlines);
  const alive = open.filter((j) => !sick.unhealthy.includes(j));

  const scope = replicaScope(d, observed.jobs, alive, now);
  draft.deadlines.push(...scope.deadlines);
  draft.notes.push(...scope.notes);
  const { rotating } = scope;
  const outdated = scope.scope.filter((j) => j.revision < d.activeRevision);
  const good = scope.scope.filter((j) => j.revision >= d.activeRevision && !rotating.has(j.address));
  const ready = good.filter((j) => isReady(j, observed.health));

  const stopping = stopReplaced(draft, scope, { good, outdated, ready });
  const budget = createBudget(d, spent, observed.balance);
  if (d.strategy === 'SIMPLE-EXTEND') extendJobs(draft, [...good, ...outdated], stopping, budget);

  // Replacements, subject to the fail-safe and, while old jobs are replaced, one at a time.
  let toList = Math.max(0, scope.want - good.length);
  if (outdated.length > 0)
    toList = Math.min(toList, Math.max(0, d.replicas + 1 + rotating.size - alive.length));
  const cooldownUntil = failSafeUntil(d, observed.jobs);
  if (toList > 0 && cooldownUntil > now && scope.firing === null) {
    draft.notes.push(
      `fail-safe: jobs keep failing within 5 minutes; listing paused until ${new Date(cooldownUntil).toISOString()}`,
    );
    draft.deadlines.push({ at: cooldownUntil, action: `list ${toList} replacement(s) after the cooldown` });
    toList = 0;
  }
  const cost = listCost(observed.marketPrice, d.timeout);
  for (const late of scope.catchUp)
    listJobs(draft, d.replicas, cost, budget, late, `late cron firing ${new Date(late).toISOString()}`);
  const listed = listJobs(
    draft,
    toList,
    cost,
    budget,
    d.strategy === 'SCHEDULED' ? (scope.firing ?? d.lastFiring) : null,
    scope.firing !== null ? `cron firing ${new Date(scope.firing).toISOString()}` : 'replica missing',
  );
  if (budget.capped)
    draft.notes.push(
      `budget: ${d.budget - spent - budget.planned} base units left, not enough for the next job`,
    );
  if (budget.starved)
    draft.notes.push('insufficient funds: the wallet cannot pay the next deposit; top it up');

  if (d.strategy === 'SIMPLE-EXTEND' || d.strategy === 'INFINITE') {
    for (const job of alive)
      if (job.state === 'RUNNING')
        draft.deadlines.push({
          at: (job.timeStart + job.timeout) * 1000,
          action: `replace ${job.address} when it expires`,
        });
  }

  const status = statusOf(d, {
    starved: budget.starved,
    capped: budget.capped,
    stillOpen: alive.length + listed - stopping.size > 0,
    pending: observed.jobs.some((j) => isOpen(j)),
    want: scope.want,
    ready: ready.length,
  });
  if (status === 'STOPPED' && budget.capped) draft.notes.push('budget exhausted: the deployment stopped');
  const next = draft.deadlines.length ? draft.deadlines.reduce((a, b) => (b.at < a.at ? b : a)) : null;
  return { actions: draft.actions, status, firing: scope.firing, next, spent, notes: draft.notes };
}

/**
 * Stops the surplus (scaled down, or replacements now cover rotating/outdated jobs) and the rotating/outdated
 * jobs that ready replicas replace. Returns the addresses stopped.
 */
function stopReplaced(
  draft: Draft,
  { want, scope, rotating }: ReplicaScope,
  { good, outdated, ready }: { good: ObservedJob[]; outdated: ObservedJob[]; ready: ObservedJob[] },
): Set<string> {
  const stopping = new Set<string>();
  const surplus = good.length - want;
  if (surplus > 0 && draft.d.strategy !== 'SCHEDULED') {
    const byCost = [...good]
      .filter((j) => j.state !== 'PENDING')
      .sort((a, b) => (a.state === b.state ? b.listedAt - a.listedAt : a.state === 'QUEUED' ? -1 : 1));
    for (const job of byCost.slice(0, surplus)) {
      stopping.add(job.address);
      stop(draft, job, 'surplus');
    }
  }
  const others = [
    ...scope.filter((j) => rotating.has(j.address)).sort((a, b) => a.timeStart - b.timeStart),
    ...outdated.filter((j) => !rotating.has(j.address)),
  ];
  const replaceable = Math.min(others.length, Math.max(0, ready.length + others.length - want));
  for (const job of others.slice(0, replaceable)) {
    if (job.state === 'PENDING') continue;
    stopping.add(job.address);
    stop(draft, job, rotating.has(job.address) ? 'rotation' : 'outdated');
  }
  return stopping;
}

/** Budget and balance guard every action that costs NOS. */
interface Budget {
  afford(cost: bigint): boolean;
  readonly planned: bigint;
  readonly capped: boolean;
  readonly starved: boolean;
}

function createBudget(d: Deployment, spent: bigint, balance: bigint): Budget {
  const state = { planned: 0n, capped: false, starved: false };
  return {
    afford(cost) {
      if (spent + state.planned + cost > d.budget) {
        state.capped = true;
        return false;
      }
      if (state.planned + cost > balance) {
        state.starved = true;
        return false;
      }
      state.planned += cost;
      return true;
    },
    get planned() {
      return state.planned;
    },
    get capped() {
      return state.capped;
    },
    get starved() {
      return state.starved;
    },
  };
}

/** SIMPLE-EXTEND: extends each running job at its extend time, within the budget. */
function extendJobs(draft: Draft, jobs: ObservedJob[], stopping: Set<string>, budget: Budget): void {
  const { d, now } = draft;
  for (const job of jobs) {
    if (job.state !== 'RUNNING' || stopping.has(job.address)) continue;
    const at = extendAt(job);
    if (now < at) {
      draft.deadlines.push({ at, action: `extend ${job.address}` });
      continue;
    }
    if (job.pending === 'EXTEND') continue;
    const cost = job.price * BigInt(d.timeout);
    if (!budget.afford(cost)) continue;
    draft.actions.push({
      kind: 'EXTEND',
      deployment: d.id,
      job: job.address,
      timeout: job.timeout + d.timeout,
      cost,
      reason: `extend by ${d.timeout}s before its timeout`,
    });
  }
}

/** Lists up to `count` jobs of the active revision while the budget allows; returns how many. */
function listJobs(
  draft: Draft,
  count: number,
  cost: bigint,
  budget: Budget,
  firing: number | null,
  reason: string,
): number {
  const { d } = draft;
  let listed = 0;
  while (listed < count && budget.afford(cost)) {
    listed++;
    draft.actions.push({
      kind: 'LIST',
      deployment: d.id,
      revision: d.activeRevision,
      timeout: d.timeout,
      cost,
      firing,
      reason,
    });
  }
  return listed;
}

/** The status an active deployment has after this plan. */
function statusOf(
  d: Deployment,
  s: { starved: boolean; capped: boolean; stillOpen: boolean; pending: boolean; want: number; ready: number },
): DeploymentStatus {
  if (s.starved) return 'INSUFFICIENT_FUNDS';
  if (!s.stillOpen && !s.pending && (s.want === 0 || s.capped) && d.strategy !== 'SCHEDULED')
    return 'STOPPED';
  if (s.ready > 0 || d.strategy === 'SCHEDULED') return 'RUNNING';
  return 'STARTING';
}
