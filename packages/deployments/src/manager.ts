import { randomBytes } from 'node:crypto';
import { type CidV0, type JobDefinition, NosanaError } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import type { DeploymentChain } from './chain.js';
import type { HealthSource } from './health.js';
import {
  type CreateDeploymentParameters,
  checkBudget,
  checkDeploymentSettings,
  checkReplicas,
  deploymentDefinition,
} from './parameters.js';
import { reconcile } from './reconcile.js';
import { type ForecastResult, forecast } from './spend.js';
import type { DeploymentStore, Intent, StoredJob } from './store.js';
import type { Action, Deployment, DeploymentStatus, JobHealth, ObservedJob, Plan } from './types.js';
import './errors.js';

/** Parameters of {@link createManager}. */
export interface CreateManagerParameters {
  store: DeploymentStore;
  chain: DeploymentChain;
  health?: HealthSource;
  /** The clock (ms). */
  now?: () => number;
  /** Called for every event recorded (for logs and `events --follow`). */
  onEvent?: (event: { deployment: string; type: string; message: string; job: string | null }) => void;
}

/** What `deployment get` shows. */
export interface DeploymentView {
  deployment: Deployment;
  jobs: Array<ObservedJob & { health: JobHealth['state'] | 'unknown' }>;
  spent: bigint;
  forecast: ForecastResult;
  next: Plan['next'];
  notes: string[];
}

const FINAL = new Set(['COMPLETED', 'GONE']);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: unknown) => new Uint8Array(Buffer.from(String(text), 'base64'));
/** Errors after which a transaction may still land or be retried: the intent stays pending. */
const transient = (error: unknown) =>
  error instanceof NosanaError && ['CHAIN__RPC_UNREACHABLE', 'CHAIN__IPFS_UNREACHABLE'].includes(error.code);

/** The manager returned by {@link createManager}. */
export type DeploymentManager = ReturnType<typeof createManager>;

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
export function createManager({ store, chain, health, now = Date.now, onEvent }: CreateManagerParameters) {
  const healthByJob = new Map<string, JobHealth>();
  const watched = new Set<string>();
  const unsubscribe = health?.subscribe((event) => {
    const previous = healthByJob.get(event.job);
    if (previous?.state !== event.state) healthByJob.set(event.job, { state: event.state, since: event.at });
  });
  const prices = new Map<string, bigint>();

  const event = (deployment: string, type: string, message: string, job: string | null = null) => {
    store.event(deployment, now(), type, message, job);
    onEvent?.({ deployment, type, message, job });
  };

  /** Sends one recorded intent; settles it unless the failure is transient. */
  const execute = async (intent: Intent) => {
    try {
      if (intent.kind === 'LIST') {
        await chain.list({
          jobSecret: unb64(intent.payload.jobSecret),
          runSecret: unb64(intent.payload.runSecret),
          market: String(intent.payload.market),
          cid: intent.payload.cid as CidV0,
          timeout: Number(intent.payload.timeout),
        });
      } else if (intent.kind === 'EXTEND') {
        await chain.extend({ job: intent.job, timeout: Number(intent.payload.timeout) });
      } else {
        await chain.stop(intent.job);
      }
      store.settleIntent(intent.id, 'done');
    } catch (error) {
      if (transient(error)) return;
      const code = error instanceof NosanaError ? error.code : 'UNKNOWN';
      store.settleIntent(intent.id, 'failed', `${code}: ${(error as Error).message}`);
      event(
        intent.deployment,
        `${intent.kind.toLowerCase()}-failed`,
        `${intent.kind} failed: ${(error as Error).message}`,
        intent.job,
      );
      if (intent.kind === 'LIST' && (await chain.job(intent.job).catch(() => undefined)) === null) {
        store.updateJob(intent.job, { state: 'GONE' });
      }
    }
  };

  /** Refreshes a deployment's open jobs from the chain and returns what the reconciler sees. */
  const observe = async (deployment: Deployment): Promise<ObservedJob[]> => {
    const pending = new Map<string, Intent['kind']>();
    for (const intent of store.pendingIntents())
      if (intent.deployment === deployment.id) pending.set(intent.job, intent.kind);
    const jobs: StoredJob[] = store.jobs(deployment.id);
    await Promise.all(
      jobs.map(async (job) => {
        if (FINAL.has(job.state) || (job.state === 'PENDING' && pending.get(job.address) === 'LIST')) return;
        const found = await chain.job(job.address);
        const patch = found
          ? {
              state: found.state,
              price: found.price,
              timeout: found.timeout,
              timeStart: found.timeStart,
              timeEnd: found.timeEnd,
            }
          : { state: 'GONE' as const };
        const changed = Object.entries(patch).some(([key, value]) => job[key as keyof StoredJob] !== value);
        if (!changed) return;
        if (patch.state !== job.state)
          event(deployment.id, 'job-state', `${job.address} ${job.state} → ${patch.state}`, job.address);
        store.updateJob(job.address, patch);
        Object.assign(job, patch);
      }),
    );
    for (const job of jobs) {
      if (job.state === 'RUNNING' && !watched.has(job.address)) {
        watched.add(job.address);
        health?.watch(job.address);
      } else if (job.state !== 'RUNNING' && watched.delete(job.address)) {
        health?.unwatch(job.address);
        healthByJob.delete(job.address);
      }
    }
    return jobs.map((job) => {
      const kind = pending.get(job.address);
      return { ...job, pending: kind === 'STOP' || kind === 'EXTEND' ? kind : null };
    });
  };

  /** Records the plan's actions as intents (one transaction) and returns them. */
  const record = (deployment: Deployment, plan: Plan, revisionCid: CidV0 | null): Intent[] => {
    const at = now();
    const ids = store.transaction(() => {
      if (plan.status !== deployment.status) {
        store.update(deployment.id, { status: plan.status, updatedAt: at });
        event(
          deployment.id,
          'status',
          `${deployment.status} → ${plan.status}${plan.notes.length ? ` (${plan.notes.join('; ')})` : ''}`,
        );
      }
      if (plan.firing !== null) store.update(deployment.id, { lastFiring: plan.firing });
      return plan.actions.map((action: Action) => {
        if (action.kind === 'LIST') {
          const job = Keypair.generate();
          const run = Keypair.generate();
          const address = job.publicKey.toBase58();
          event(deployment.id, 'list', `LIST ${address} (${action.reason})`, address);
          return store.recordList(
            {
              address,
              deployment: deployment.id,
              revision: action.revision,
              listedAt: at,
              firing: action.firing,
              state: 'PENDING',
              price: prices.get(deployment.market) ?? 0n,
              timeout: action.timeout,
              timeStart: 0,
              timeEnd: 0,
              stoppedBy: null,
            },
            {
              jobSecret: b64(job.secretKey),
              runSecret: b64(run.secretKey),
              market: deployment.market,
              cid: revisionCid,
              timeout: action.timeout,
            },
            at,
          );
        }
        if (action.kind === 'STOP' && action.reason !== 'recover')
          store.updateJob(action.job, { stoppedBy: action.reason });
        event(
          deployment.id,
          action.kind.toLowerCase(),
          `${action.kind} ${action.job} (${action.reason})`,
          action.job,
        );
        return store.recordIntent(
          deployment.id,
          action.kind,
          action.job,
          action.kind === 'EXTEND' ? { timeout: action.timeout } : {},
          at,
        );
      });
    });
    const recorded = new Set(ids);
    return store.pendingIntents().filter((intent) => recorded.has(intent.id));
  };

  const plan = async (deployment: Deployment, balance: bigint) => {
    const jobs = await observe(deployment);
    const price = prices.get(deployment.market) ?? (await chain.market(deployment.market)).price;
    prices.set(deployment.market, price);
    return reconcile({
      deployment,
      observed: { jobs, health: healthByJob, marketPrice: price, balance },
      now: now(),
    });
  };

  const manager = {
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
      const deployment = manager.require(id, 'update');
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
      manager.require(id, 'scale');
      store.update(id, { replicas: checkReplicas(replicas), updatedAt: now() });
      event(id, 'scaled', `replicas → ${replicas}`);
      return store.deployment(id);
    },
    stop(id: string): Deployment {
      return manager.transition(id, 'stop', 'STOPPING');
    },
    start(id: string): Deployment {
      const deployment = manager.transition(id, 'start', 'STARTING');
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
      return manager.transition(id, 'archive', 'ARCHIVED');
    },
    /** @internal */
    transition(id: string, operation: string, status: DeploymentStatus): Deployment {
      const deployment = manager.require(id, operation);
      const allowed: Record<string, DeploymentStatus[]> = {
        stop: ['STARTING', 'RUNNING', 'INSUFFICIENT_FUNDS', 'ERROR'],
        start: ['STOPPED', 'DRAFT', 'ERROR'],
        archive: ['STOPPED', 'ERROR', 'DRAFT'],
      };
      if (!allowed[operation]?.includes(deployment.status)) {
        throw new NosanaError(
          'DEPLOY__INVALID_TRANSITION',
          `cannot ${operation} deployment ${id}: it is ${deployment.status}`,
          { id, status: deployment.status, operation },
        );
      }
      store.update(id, { status, updatedAt: now() });
      event(id, 'status', `${deployment.status} → ${status} (${operation})`);
      return store.deployment(id);
    },
    /** @internal */
    require(id: string, operation: string): Deployment {
      const deployment = store.deployment(id);
      if (deployment.status === 'ARCHIVED') {
        throw new NosanaError(
          'DEPLOY__INVALID_TRANSITION',
          `deployment ${id} is archived; create a new one`,
          { id, status: deployment.status, operation },
        );
      }
      return deployment;
    },
    /**
     * One reconciler step: settles intents a crash left pending, then for every deployment observes, plans,
     * records and sends. Returns the plans by deployment id.
     */
    async tick(): Promise<Map<string, Plan>> {
      for (const intent of store.pendingIntents()) await execute(intent);
      const plans = new Map<string, Plan>();
      const balance = await chain.balance();
      let left = balance;
      for (const deployment of store.deployments()) {
        if (deployment.status === 'ARCHIVED' && !store.jobs(deployment.id).some((j) => !FINAL.has(j.state)))
          continue;
        const result = await plan(deployment, left);
        const cid = store.revision(deployment.id, deployment.activeRevision).cid;
        const intents = record(deployment, result, cid);
        for (const intent of intents) await execute(intent);
        for (const action of result.actions) if (action.kind !== 'STOP') left -= action.cost;
        plans.set(deployment.id, result);
      }
      return plans;
    },
    /** What `deployment get` shows: jobs, health, spend, forecast and the next action. */
    async view(id: string): Promise<DeploymentView> {
      const deployment = store.deployment(id);
      const result = await plan(deployment, await chain.balance());
      const jobs = store.jobs(id).map((job) => ({
        ...job,
        pending: null,
        health: healthByJob.get(job.address)?.state ?? ('unknown' as const),
      }));
      const price = prices.get(deployment.market) ?? 0n;
      return {
        deployment,
        jobs,
        spent: result.spent,
        forecast: forecast({ deployment, spent: result.spent, price }),
        next: result.next,
        notes: result.notes,
      };
    },
    /** Runs `tick` until aborted, waking at the plans' next deadlines or every `intervalMs`. */
    async run({
      signal,
      intervalMs = 5_000,
      onError,
    }: {
      signal: AbortSignal;
      intervalMs?: number;
      onError?: (error: unknown) => void;
    }) {
      while (!signal.aborted) {
        let wait = intervalMs;
        try {
          const plans = await manager.tick();
          for (const p of plans.values()) if (p.next) wait = Math.min(wait, Math.max(100, p.next.at - now()));
        } catch (error) {
          onError?.(error);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
      }
    },
    close() {
      unsubscribe?.();
    },
  };
  return manager;
}
