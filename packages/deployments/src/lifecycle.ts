/**
 * A deployment's lifecycle as the user drives it: create, update (a new revision), scale, stop, start, archive.
 * Each checks its input and the deployment's status before it writes; none talks to the chain except to read the
 * market and pin a definition.
 */
import { randomBytes } from 'node:crypto';
import { type JobDefinition, NosanaError } from '@nosana/core';
import type { DeploymentChain } from './chain.js';
import type { RecordEvent } from './dispatch.js';
import {
  type CreateDeploymentParameters,
  checkBudget,
  checkDeploymentSettings,
  checkReplicas,
  deploymentDefinition,
} from './parameters.js';
import type { DeploymentStore } from './store.js';
import type { Deployment, DeploymentStatus } from './types.js';

/** Parameters of {@link createLifecycle}. */
export interface CreateLifecycleParameters {
  store: DeploymentStore;
  chain: DeploymentChain;
  now: () => number;
  event: RecordEvent;
}

/** The statuses each operation starts from. */
const ALLOWED: Record<string, DeploymentStatus[]> = {
  stop: ['STARTING', 'RUNNING', 'INSUFFICIENT_FUNDS', 'ERROR'],
  start: ['STOPPED', 'DRAFT', 'ERROR'],
  archive: ['STOPPED', 'ERROR', 'DRAFT'],
};

/**
 * The user's operations on deployments (the manager exposes them).
 *
 * @example
 * ```ts
 * const lifecycle = createLifecycle({ store, chain, now: Date.now, event });
 * await lifecycle.create({ definition, market: 'cpu', replicas: 2, strategy: 'SIMPLE', timeout: 600, budget });
 * ```
 */
export function createLifecycle({ store, chain, now, event }: CreateLifecycleParameters) {
  const require = (id: string, operation: string): Deployment => {
    const deployment = store.deployment(id);
    if (deployment.status === 'ARCHIVED') {
      throw new NosanaError('DEPLOY__INVALID_TRANSITION', `deployment ${id} is archived; create a new one`, {
        id,
        status: deployment.status,
        operation,
      });
    }
    return deployment;
  };
  const transition = (id: string, operation: string, status: DeploymentStatus): Deployment => {
    const deployment = require(id, operation);
    if (!ALLOWED[operation]?.includes(deployment.status)) {
      throw new NosanaError(
        'DEPLOY__INVALID_TRANSITION',
        `cannot ${operation} deployment ${id}: it is ${deployment.status}`,
        { id, status: deployment.status, operation },
      );
    }
    store.update(id, { status, updatedAt: now() });
    event(id, 'status', `${deployment.status} → ${status} (${operation})`);
    return store.deployment(id);
  };

  return {
    /**
     * Creates a deployment after checking everything (settings, definition, market, budget) — bad input sends
     * nothing — then pins its definition. It starts on the next tick.
     */
    async create(parameters: CreateDeploymentParameters): Promise<Deployment> {
      const settings = checkDeploymentSettings(parameters);
      const market = await chain.market(parameters.market);
      checkBudget(parameters.budget, market.price, settings.timeout);
      const id = `dep_${randomBytes(9).toString('base64url')}`;
      const definition = deploymentDefinition(settings.definition, id);
      const cid = await chain.pin(definition);
      const at = now();
      const deployment: Deployment = {
        id,
        name: parameters.name ?? id,
        market: market.address,
        owner: chain.owner,
        status: 'STARTING',
        strategy: settings.strategy,
        replicas: settings.replicas,
        timeout: settings.timeout,
        schedule: settings.schedule,
        rotation: settings.rotation,
        budget: parameters.budget,
        activeRevision: 1,
        lastFiring: null,
        startedAt: at,
        createdAt: at,
        updatedAt: at,
      };
      store.create(deployment, { revision: 1, cid, definition, createdAt: at });
      event(
        id,
        'created',
        `created: ${settings.strategy}, ${settings.replicas} replica(s), revision 1 (${cid})`,
      );
      return deployment;
    },
    /** A new revision; jobs of older revisions are replaced one at a time. */
    async update(id: string, definition: unknown): Promise<Deployment> {
      const deployment = require(id, 'update');
      const valid = checkDeploymentSettings({
        ...deployment,
        schedule: deployment.schedule ?? undefined,
        definition,
      });
      const revision = deployment.activeRevision + 1;
      const pinned = deploymentDefinition(valid.definition as JobDefinition, id);
      const cid = await chain.pin(pinned);
      store.transaction(() => {
        store.addRevision({ deployment: id, revision, cid, definition: pinned, createdAt: now() });
        store.update(id, { activeRevision: revision, updatedAt: now() });
      });
      event(id, 'revision', `revision ${revision} (${cid}): rolling update`);
      return store.deployment(id);
    },
    scale(id: string, replicas: number): Deployment {
      require(id, 'scale');
      store.update(id, { replicas: checkReplicas(replicas), updatedAt: now() });
      event(id, 'scaled', `replicas → ${replicas}`);
      return store.deployment(id);
    },
    stop(id: string): Deployment {
      return transition(id, 'stop', 'STOPPING');
    },
    start(id: string): Deployment {
      const deployment = transition(id, 'start', 'STARTING');
      store.update(id, { startedAt: now(), lastFiring: deployment.strategy === 'SCHEDULED' ? now() : null });
      return store.deployment(id);
    },
    archive(id: string): Deployment {
      const deployment = store.deployment(id);
      if (
        store.jobs(id).some((j) => j.state === 'QUEUED' || j.state === 'RUNNING' || j.state === 'PENDING') ||
        !['STOPPED', 'ERROR', 'DRAFT'].includes(deployment.status)
      ) {
        throw new NosanaError(
          'DEPLOY__INVALID_TRANSITION',
          `deployment ${id} is ${deployment.status}: stop it and wait for STOPPED before archiving`,
          { id, status: deployment.status, operation: 'archive' },
        );
      }
      return transition(id, 'archive', 'ARCHIVED');
    },
  };
}
