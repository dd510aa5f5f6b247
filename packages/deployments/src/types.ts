import type { CidV0, JobDefinition, JobState } from '@nosana/core';

/** How a deployment keeps its replicas, with the semantics of the Nosana deployment manager. */
export type DeploymentStrategy = 'SIMPLE' | 'SIMPLE-EXTEND' | 'SCHEDULED' | 'INFINITE';

/** The strategies, for validation and help texts. */
export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = [
  'SIMPLE',
  'SIMPLE-EXTEND',
  'SCHEDULED',
  'INFINITE',
];

/** A deployment's status, as in the Nosana deployments API. */
export type DeploymentStatus =
  | 'DRAFT'
  | 'STARTING'
  | 'RUNNING'
  | 'STOPPING'
  | 'STOPPED'
  | 'INSUFFICIENT_FUNDS'
  | 'ERROR'
  | 'ARCHIVED';

/** The desired state of one deployment, as stored. Times are unix milliseconds; amounts NOS base units. */
export interface Deployment {
  id: string;
  name: string;
  /** Market address (base58). */
  market: string;
  /** The wallet that posts its jobs: the jobs' `project` and `payer` on chain. */
  owner: string;
  status: DeploymentStatus;
  strategy: DeploymentStrategy;
  replicas: number;
  /** Seconds each job is listed (and each extension adds). */
  timeout: number;
  /** SCHEDULED: the cron expression (UTC). */
  schedule: string | null;
  /** INFINITE: seconds before a job's expiry its replacement is listed. */
  rotation: number;
  /** Hard cap of NOS base units the deployment may commit, over its lifetime. */
  budget: bigint;
  activeRevision: number;
  /** SCHEDULED: the last cron firing handled (ms), so no firing is handled twice. */
  lastFiring: number | null;
  /** SIMPLE: when the current run was started (jobs of earlier runs do not count). */
  startedAt: number;
  createdAt: number;
  updatedAt: number;
}

/** One version of a deployment's job definition. */
export interface Revision {
  deployment: string;
  revision: number;
  cid: CidV0 | null;
  definition: JobDefinition;
  createdAt: number;
}

/** What the manager knows about one job it listed, merged with what the chain says. */
export interface ObservedJob {
  /** Job address. */
  address: string;
  revision: number;
  /** When the LIST was recorded (ms). */
  listedAt: number;
  /** SCHEDULED: the cron firing this job belongs to (ms). */
  firing: number | null;
  /** Chain state; `PENDING` while the LIST is recorded but not yet confirmed, `GONE` if the account is closed. */
  state: JobState | 'PENDING' | 'GONE';
  /** NOS base units per second. */
  price: bigint;
  /** Seconds (the current, possibly extended, timeout). */
  timeout: number;
  /** Unix seconds it started running (0 while queued). */
  timeStart: number;
  /** Unix seconds it ended (0 while open). */
  timeEnd: number;
  /** Set when the manager itself stopped it (scale down, rotation, update, unhealthy, stop). */
  stoppedBy: StopReason | null;
  /** A STOP or EXTEND of this job is recorded and not yet settled. */
  pending: 'STOP' | 'EXTEND' | null;
}

/** Why the manager stops a job. */
export type StopReason = 'surplus' | 'rotation' | 'outdated' | 'unhealthy' | 'deployment-stopped' | 'recover';

/** Whether a replica serves: `starting` (not yet), `online`, `offline` (it did, or should, and does not). */
export type HealthState = 'starting' | 'online' | 'offline';

/** Health of a job's services, from a {@link HealthSource}. */
export interface JobHealth {
  state: HealthState;
  /** Since when (ms). */
  since: number;
  /** Why, when the source said (`offline: tunnel-lost`, …). */
  reason?: string;
}

/** Everything the reconciler reads about the world. */
export interface Observed {
  jobs: ObservedJob[];
  /** Health by job address; a missing entry means unknown (treated as healthy while RUNNING). */
  health: ReadonlyMap<string, JobHealth>;
  /** Market price (NOS base units per second) for new jobs. */
  marketPrice: bigint;
  /** NOS base units the wallet holds now. */
  balance: bigint;
}

/** An action the reconciler asks for. */
export type Action =
  | {
      kind: 'LIST';
      deployment: string;
      revision: number;
      timeout: number;
      cost: bigint;
      firing: number | null;
      reason: string;
    }
  | { kind: 'EXTEND'; deployment: string; job: string; timeout: number; cost: bigint; reason: string }
  | { kind: 'STOP'; deployment: string; job: string; reason: StopReason };

/** The reconciler's verdict for one deployment at one instant. */
export interface Plan {
  actions: Action[];
  /** The status the deployment should have now. */
  status: DeploymentStatus;
  /** SCHEDULED: the firing handled by this plan (store it as `lastFiring` with the actions). */
  firing: number | null;
  /** When the reconciler wants to run again at the latest (ms), with what it expects to do then. */
  next: { at: number; action: string } | null;
  /** Committed NOS base units: deposits of open jobs + what ended jobs were billed. */
  spent: bigint;
  /** Why nothing was done where something was wanted (cooldown, budget, funds). */
  notes: string[];
}

/** A recorded event of a deployment (shown by `deployment events`). */
export interface DeploymentEvent {
  id: number;
  deployment: string;
  at: number;
  type: string;
  message: string;
  job: string | null;
}
