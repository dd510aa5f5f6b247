/**
 * `@nosana/deployments` — keep Nosana services alive from your own wallet: replicas, the SIMPLE, SIMPLE-EXTEND,
 * SCHEDULED and INFINITE strategies, auto-extend within a budget, self-healing. A pure reconciler, a SQLite store
 * and an idempotent dispatcher; no central server.
 *
 * @packageDocumentation
 */
export {
  type ChainJob,
  type ChainListParameters,
  type CreateChainAdapterParameters,
  createChainAdapter,
  type DeploymentChain,
} from './chain.js';
export { failSafeUntil } from './fail-safe.js';
export {
  type CreateGatewayHealthSourceParameters,
  createGatewayHealthSource,
  type DeploymentUrlParameters,
  deploymentUrl,
  type FollowGatewayEventsParameters,
  followGatewayEvents,
  type GatewayServiceEvent,
  healthOfGatewayEvent,
  jobServiceIds,
} from './gateway-health.js';
export {
  type CreateProbeHealthSourceParameters,
  createProbeHealthSource,
  type HealthEvent,
  type HealthSource,
  type WatchInfo,
} from './health.js';
export {
  type CreateManagerParameters,
  createManager,
  type DeploymentManager,
  type DeploymentView,
  type ReplicaView,
  type RunManagerParameters,
} from './manager.js';
export {
  type CreateDeploymentParameters,
  checkBudget,
  checkDeploymentSettings,
  checkReplicas,
  type DeploymentSettings,
  deploymentDefinition,
} from './parameters.js';
export {
  COOLDOWN_MAX_MS,
  COOLDOWN_MIN_MS,
  cooldownMs,
  DEFAULT_ROTATION_SECONDS,
  extendAt,
  extendMargin,
  INFINITE_MIN_TIMEOUT_SECONDS,
  RAPID_FAILURE_SECONDS,
  RAPID_FAILURE_STREAK,
  rotateAt,
  STARTUP_GRACE_MS,
  UNHEALTHY_GRACE_MS,
} from './policy.js';
export { type ReconcileParameters, reconcile } from './reconcile.js';
export { type Deadline, isReady, unhealthyJobs } from './replica-health.js';
export { type ReplicaScope, replicaScope } from './replica-scope.js';
export { dueFiring, parseSchedule, type Schedule } from './schedule.js';
export {
  committed,
  type ForecastParameters,
  type ForecastResult,
  forecast,
  isOpen,
  listCost,
} from './spend.js';
export { type DeploymentStore, type Intent, openStore, type StoredJob } from './store.js';
export * from './types.js';

import './errors.js';

export {
  apiAuthMessage,
  type StartDeploymentApiParameters,
  type StartDeploymentApiResult,
  startDeploymentApi,
  toJson,
} from './api.js';
export {
  type CreateDeploymentApiClientParameters,
  createDeploymentApiClient,
  type DeploymentApiClient,
} from './api-client.js';
