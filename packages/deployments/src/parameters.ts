import { assertValidJobDefinition, formatNos, type JobDefinition, NosanaError } from '@nosana/core';
import { DEFAULT_ROTATION_SECONDS, INFINITE_MIN_TIMEOUT_SECONDS } from './policy.js';
import { parseSchedule } from './schedule.js';
import { listCost } from './spend.js';
import { DEPLOYMENT_STRATEGIES, type DeploymentStrategy } from './types.js';
import './errors.js';

/** Parameters of `manager.create` (and `POST /api/deployments`). */
export interface CreateDeploymentParameters {
  name?: string;
  /** The job definition (validated here). */
  definition: unknown;
  /** Market name (`cpu`, `gpu` on localnet) or address. */
  market: string;
  replicas: number;
  strategy: DeploymentStrategy;
  /** SCHEDULED only: cron expression (UTC). */
  schedule?: string;
  /** Seconds per job (and per extension). */
  timeout: number;
  /** INFINITE only: seconds before expiry a replacement is listed. Default 20 min. */
  rotation?: number;
  /** Hard cap in NOS base units. */
  budget: bigint;
}

/** Settings checked by {@link checkDeploymentSettings}. */
export interface DeploymentSettings {
  replicas: number;
  strategy: DeploymentStrategy;
  schedule: string | null;
  timeout: number;
  rotation: number;
  definition: JobDefinition;
}

const invalid = (field: string, value: unknown, message: string) =>
  new NosanaError('DEPLOY__INVALID_PARAMETER', message, { field, value: String(value) });

/**
 * Checks the replica count (a whole number ≥ 1).
 *
 * @example
 * ```ts
 * checkReplicas(3); // 3
 * ```
 */
export function checkReplicas(replicas: number): number {
  if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > 1000) {
    throw invalid('replicas', replicas, `replicas must be a whole number from 1 to 1000, got ${replicas}`);
  }
  return replicas;
}

/**
 * Checks everything about a new deployment that needs no network: replicas, strategy, schedule, timeout,
 * rotation and the job definition. Throws a `DEPLOY__…` or `CORE__JOB_DEFINITION_INVALID` error.
 *
 * @example
 * ```ts
 * checkDeploymentSettings({ definition, market: 'cpu', replicas: 2, strategy: 'INFINITE', timeout: 3600, budget: 10n ** 8n });
 * ```
 */
export function checkDeploymentSettings(parameters: CreateDeploymentParameters): DeploymentSettings {
  const replicas = checkReplicas(parameters.replicas);
  const strategy = String(parameters.strategy).toUpperCase() as DeploymentStrategy;
  if (!DEPLOYMENT_STRATEGIES.includes(strategy)) {
    throw invalid(
      'strategy',
      parameters.strategy,
      `unknown strategy "${parameters.strategy}" — use one of ${DEPLOYMENT_STRATEGIES.join(', ')}`,
    );
  }
  const timeout = parameters.timeout;
  if (!Number.isSafeInteger(timeout) || timeout < 60) {
    throw invalid('timeout', timeout, `timeout must be at least 60 seconds, got ${timeout}`);
  }
  if (strategy === 'INFINITE' && timeout < INFINITE_MIN_TIMEOUT_SECONDS) {
    throw invalid('timeout', timeout, `INFINITE needs a timeout of at least 60 minutes, got ${timeout} s`);
  }
  const rotation = parameters.rotation ?? DEFAULT_ROTATION_SECONDS;
  if (strategy === 'INFINITE' && (!Number.isSafeInteger(rotation) || rotation < 60 || rotation >= timeout)) {
    throw invalid(
      'rotation',
      rotation,
      `rotation must be from 60 s to less than the timeout (${timeout} s), got ${rotation}`,
    );
  }
  let schedule: string | null = null;
  if (strategy === 'SCHEDULED') {
    if (!parameters.schedule)
      throw invalid('schedule', '', 'SCHEDULED needs a schedule, e.g. --schedule "*/10 * * * *"');
    schedule = parseSchedule(parameters.schedule).expression;
  } else if (parameters.schedule) {
    throw invalid('schedule', parameters.schedule, `a schedule only applies to SCHEDULED, not ${strategy}`);
  }
  const definition = assertValidJobDefinition(parameters.definition);
  return { replicas, strategy, schedule, timeout, rotation, definition };
}

/**
 * Checks that a budget pays for at least one job at the market price.
 *
 * @example
 * ```ts
 * checkBudget(10_000_000n, 100n, 3600); // ok: one job costs 360000
 * ```
 */
export function checkBudget(budget: bigint, price: bigint, timeout: number): void {
  const required = listCost(price, timeout);
  if (budget < required) {
    throw new NosanaError(
      'DEPLOY__BUDGET_TOO_LOW',
      `budget ${formatNos(budget)} NOS is below one job's deposit (${formatNos(required)} NOS for ${timeout} s at the market price) — raise --budget or lower --timeout`,
      { budget: budget.toString(), required: required.toString() },
    );
  }
}

/**
 * The definition a deployment's jobs carry: the user's, with `deployment_id` (the load-balancing key of the
 * stable URL) and `meta.trigger = "deployment-manager"`, as on the real network.
 *
 * @example
 * ```ts
 * deploymentDefinition(definition, 'dep_abc').deployment_id; // 'dep_abc'
 * ```
 */
export function deploymentDefinition(definition: JobDefinition, id: string): JobDefinition {
  return { ...definition, deployment_id: id, meta: { ...definition.meta, trigger: 'deployment-manager' } };
}
