/**
 * The observed side of a deployment: its jobs refreshed from the chain (state changes recorded as events), and
 * the health of its running replicas from a {@link HealthSource}, which follows exactly the running ones.
 */
import type { JobDefinition } from '@nosana/core';
import type { ChainJob, DeploymentChain } from './chain.js';
import type { RecordEvent } from './dispatch.js';
import { jobServiceIds } from './gateway-health.js';
import type { HealthSource } from './health.js';
import type { DeploymentStore, Intent, StoredJob } from './store.js';
import type { Deployment, JobHealth, ObservedJob } from './types.js';

/** Jobs the chain will not change any more. */
export const FINAL = new Set(['COMPLETED', 'GONE']);

/** Parameters of {@link createObserver}. */
export interface CreateObserverParameters {
  store: DeploymentStore;
  chain: DeploymentChain;
  health?: HealthSource;
  event: RecordEvent;
}

/**
 * Observes deployments: `observe(deployments)` refreshes their open jobs from the chain (one batched read) and (un)watches them on the
 * health source; `health` is the latest health per job; `onHealthChange` wakes a waiting reconciler.
 *
 * @example
 * ```ts
 * const observer = createObserver({ store, chain, health, event });
 * const jobs = (await observer.observe([deployment])).get(deployment.id)!;
 * ```
 */
export function createObserver({ store, chain, health, event }: CreateObserverParameters) {
  const healthByJob = new Map<string, JobHealth>();
  const watched = new Set<string>();
  const changed = new Set<() => void>();
  const unsubscribe = health?.subscribe((e) => {
    const previous = healthByJob.get(e.job);
    if (previous?.state === e.state) return;
    healthByJob.set(e.job, { state: e.state, since: e.at, ...(e.reason ? { reason: e.reason } : {}) });
    for (const listener of [...changed]) listener();
  });
  const definitions = new Map<string, JobDefinition>();
  const definitionOf = (job: StoredJob) => {
    const key = `${job.deployment}#${job.revision}`;
    let definition = definitions.get(key);
    if (!definition) {
      definition = store.revision(job.deployment, job.revision).definition;
      definitions.set(key, definition);
    }
    return definition;
  };

  /** Records what the chain says of one job (null: no account any more), and an event when its state changed. */
  const apply = (deployment: string, job: StoredJob, found: ChainJob | null) => {
    const patch = found
      ? {
          state: found.state,
          price: found.price,
          timeout: found.timeout,
          timeStart: found.timeStart,
          timeEnd: found.timeEnd,
        }
      : { state: 'GONE' as const };
    const differs = Object.entries(patch).some(([key, value]) => job[key as keyof StoredJob] !== value);
    if (!differs) return;
    if (patch.state !== job.state)
      event(deployment, 'job-state', `${job.address} ${job.state} → ${patch.state}`, job.address);
    store.updateJob(job.address, patch);
    Object.assign(job, patch);
  };

  /** Follows exactly the running jobs on the health source. */
  const follow = (jobs: StoredJob[]) => {
    for (const job of jobs) {
      if (job.state === 'RUNNING' && !watched.has(job.address)) {
        watched.add(job.address);
        health?.watch(job.address, { services: jobServiceIds(definitionOf(job), job.address) });
      } else if (job.state !== 'RUNNING' && watched.delete(job.address)) {
        health?.unwatch(job.address);
        healthByJob.delete(job.address);
      }
    }
  };

  return {
    health: healthByJob as ReadonlyMap<string, JobHealth>,
    /**
     * Refreshes the open jobs of `deployments` from the chain in one batched read (however many there are) and
     * returns what the reconciler sees of each, by deployment id.
     */
    async observe(deployments: readonly Deployment[]): Promise<Map<string, ObservedJob[]>> {
      const pending = new Map<string, Intent['kind']>();
      for (const intent of store.pendingIntents()) pending.set(intent.job, intent.kind);
      const jobsOf = new Map(deployments.map((d) => [d.id, store.jobs(d.id)]));
      const toRead = [...jobsOf.values()]
        .flat()
        .filter(
          (job) => !FINAL.has(job.state) && !(job.state === 'PENDING' && pending.get(job.address) === 'LIST'),
        );
      if (toRead.length > 0) {
        const found = await chain.jobs(toRead.map((job) => job.address));
        for (const job of toRead) apply(job.deployment, job, found.get(job.address) ?? null);
      }
      for (const jobs of jobsOf.values()) follow(jobs);
      await health?.settled?.();
      const observed = new Map<string, ObservedJob[]>();
      for (const [id, jobs] of jobsOf)
        observed.set(
          id,
          jobs.map((job) => {
            const kind = pending.get(job.address);
            return { ...job, pending: kind === 'STOP' || kind === 'EXTEND' ? kind : null };
          }),
        );
      return observed;
    },
    /** Calls `listener` whenever a job's health changes; returns the unsubscribe function. */
    onHealthChange(listener: () => void): () => void {
      changed.add(listener);
      return () => changed.delete(listener);
    },
    close() {
      unsubscribe?.();
      changed.clear();
    },
  };
}
