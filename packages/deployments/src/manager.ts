import type { DeploymentChain } from './chain.js';
import { pause } from './delay.js';
import { createDispatcher } from './dispatch.js';
import { deploymentUrl, jobServiceIds } from './gateway-health.js';
import type { HealthSource } from './health.js';
import { createLifecycle } from './lifecycle.js';
import { createObserver, FINAL } from './observe.js';
import { reconcile } from './reconcile.js';
import { type ForecastResult, forecast } from './spend.js';
import type { DeploymentStore } from './store.js';
import type { Deployment, HealthState, ObservedJob, Plan } from './types.js';
import './errors.js';

/** Parameters of {@link createManager}. */
export interface CreateManagerParameters {
  store: DeploymentStore;
  chain: DeploymentChain;
  health?: HealthSource;
  /**
   * The public URL of the gateway the replicas are exposed through (what nodes are started with): `view` shows
   * the deployment's stable URL under it.
   */
  gatewayUrl?: string;
  /** The clock (ms). */
  now?: () => number;
  /** Called for every event recorded (for logs and `events --follow`). */
  onEvent?: (event: { deployment: string; type: string; message: string; job: string | null }) => void;
}

/** One replica as `deployment get` shows it. */
export type ReplicaView = ObservedJob & {
  /** `unknown` when no health source follows it (a RUNNING job then counts as healthy). */
  health: HealthState | 'unknown';
  /** Since when it has that health (ms). */
  healthSince: number | null;
  /** Why, when the source said (`offline: tunnel-lost`, …). */
  healthReason: string | null;
  /** The service ids of its public ports. */
  services: string[];
};

/** What `deployment get` shows. */
export interface DeploymentView {
  deployment: Deployment;
  /** The stable URL load-balanced over the healthy replicas (with a gateway and a definition that exposes a port). */
  url: string | null;
  jobs: ReplicaView[];
  spent: bigint;
  forecast: ForecastResult;
  next: Plan['next'];
  notes: string[];
}

/** The manager returned by {@link createManager}. */
export type DeploymentManager = ReturnType<typeof createManager>;

/** Parameters of {@link DeploymentManager.run}. */
export interface RunManagerParameters {
  signal: AbortSignal;
  /** The longest wait between passes (ms). Default 5 s. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
  /** Called after every pass that did not fail: how long it took and what it did (for logs and benchmarks). */
  onPass?: (pass: { durationMs: number; deployments: number; actions: number }) => void;
}

/**
 * The deployment manager: durable desired state in the store, observed state from the chain and the health
 * source, and a reconciler step (`tick`) that records each action as an intent before sending it. Intents left
 * pending by a crash are settled first on the next tick, from the chain: a LIST resends with its recorded job
 * keypair (a job account can be created once), an EXTEND targets an absolute timeout, a STOP settles whatever
 * state the job is in. So kill -9 at any point never double-lists, double-extends or loses a replica.
 *
 * @example
 * ```ts
 * const manager = createManager({ store: openStore('deployments.db'), chain });
 * const { id } = await manager.create({ definition, market: 'cpu', replicas: 2, strategy: 'INFINITE', timeout: 3600, budget: 50_000_000n });
 * await manager.tick();
 * ```
 */
export function createManager({
  store,
  chain,
  health,
  gatewayUrl,
  now = Date.now,
  onEvent,
}: CreateManagerParameters) {
  const prices = new Map<string, bigint>();
  const event = (deployment: string, type: string, message: string, job: string | null = null) => {
    store.event(deployment, now(), type, message, job);
    onEvent?.({ deployment, type, message, job });
  };
  const observer = createObserver({ store, chain, event, ...(health ? { health } : {}) });
  const dispatch = createDispatcher({ store, chain, now, event, prices });
  const lifecycle = createLifecycle({ store, chain, now, event });

  const plan = async (deployment: Deployment, balance: bigint, jobs: ObservedJob[]) => {
    const price = prices.get(deployment.market) ?? (await chain.market(deployment.market)).price;
    prices.set(deployment.market, price);
    return reconcile({
      deployment,
      observed: { jobs, health: observer.health, marketPrice: price, balance },
      now: now(),
    });
  };

  const manager = {
    ...lifecycle,
    /**
     * One reconciler step: settles intents a crash left pending, then for every deployment observes, plans,
     * records and sends. Returns the plans by deployment id.
     */
    async tick(): Promise<Map<string, Plan>> {
      for (const intent of store.pendingIntents()) await dispatch.execute(intent);
      const plans = new Map<string, Plan>();
      let left = await chain.balance();
      const active = store
        .deployments()
        .filter((d) => d.status !== 'ARCHIVED' || store.jobs(d.id).some((j) => !FINAL.has(j.state)));
      // Every open job of every deployment in one batched read: a pass costs a few RPC requests, not one per job.
      const observed = await observer.observe(active);
      for (const deployment of active) {
        const result = await plan(deployment, left, observed.get(deployment.id)!);
        const cid = store.revision(deployment.id, deployment.activeRevision).cid;
        for (const intent of dispatch.record(deployment, result, cid)) await dispatch.execute(intent);
        for (const action of result.actions) if (action.kind !== 'STOP') left -= action.cost;
        plans.set(deployment.id, result);
      }
      return plans;
    },
    /** What `deployment get` shows: the URL, jobs and their health, spend, forecast and the next action. */
    async view(id: string): Promise<DeploymentView> {
      const deployment = store.deployment(id);
      const observed = (await observer.observe([deployment])).get(id)!;
      const result = await plan(deployment, await chain.balance(), observed);
      const definition = store.revision(id, deployment.activeRevision).definition;
      const jobs = store.jobs(id).map((job): ReplicaView => {
        const known = observer.health.get(job.address);
        return {
          ...job,
          pending: null,
          health: known?.state ?? 'unknown',
          healthSince: known?.since ?? null,
          healthReason: known?.reason ?? null,
          services: jobServiceIds(store.revision(id, job.revision).definition, job.address),
        };
      });
      const serves = jobServiceIds(definition, deployment.owner).length > 0;
      return {
        deployment,
        url:
          gatewayUrl && serves
            ? deploymentUrl({ gatewayUrl, deployment: id, project: deployment.owner })
            : null,
        jobs,
        spent: result.spent,
        forecast: forecast({ deployment, spent: result.spent, price: prices.get(deployment.market) ?? 0n }),
        next: result.next,
        notes: result.notes,
      };
    },
    /**
     * Runs `tick` until aborted, waking at the plans' next deadlines, when a replica's health changes, or every
     * `intervalMs`.
     */
    async run({ signal, intervalMs = 5_000, onError, onPass }: RunManagerParameters) {
      while (!signal.aborted) {
        // Listening from before the pass: a change seen during it wakes the next one at once.
        const wake = new AbortController();
        const stopWaking = observer.onHealthChange(() => wake.abort());
        const onAbort = () => wake.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        let wait = intervalMs;
        try {
          const started = performance.now();
          const plans = await manager.tick();
          const durationMs = performance.now() - started;
          let actions = 0;
          for (const p of plans.values()) {
            actions += p.actions.length;
            if (p.next) wait = Math.min(wait, Math.max(100, p.next.at - now()));
          }
          onPass?.({ durationMs, deployments: plans.size, actions });
        } catch (error) {
          onError?.(error);
        }
        await pause(wait, wake.signal);
        signal.removeEventListener('abort', onAbort);
        stopWaking();
      }
    },
    close() {
      observer.close();
    },
  };
  return manager;
}
