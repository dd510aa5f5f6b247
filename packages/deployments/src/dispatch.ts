/**
 * Crash-safe dispatch: the plan's actions are recorded as intents (one transaction) before anything is sent, then
 * sent and settled. An intent a crash left pending is sent again on the next pass, which is safe because every
 * chain write is idempotent (a LIST with its recorded keypair, an EXTEND to an absolute timeout, a STOP).
 */
import { type CidV0, NosanaError } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import type { DeploymentChain } from './chain.js';
import type { DeploymentStore, Intent } from './store.js';
import type { Action, Deployment, Plan } from './types.js';

/** Records one event of a deployment (store and listeners). */
export type RecordEvent = (deployment: string, type: string, message: string, job?: string | null) => void;

/** Parameters of {@link createDispatcher}. */
export interface CreateDispatcherParameters {
  store: DeploymentStore;
  chain: DeploymentChain;
  now: () => number;
  event: RecordEvent;
  /** The last price seen per market (what a LIST is recorded at). */
  prices: ReadonlyMap<string, bigint>;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (text: unknown) => new Uint8Array(Buffer.from(String(text), 'base64'));
/** Errors after which a transaction may still land or be retried: the intent stays pending. */
const transient = (error: unknown) =>
  error instanceof NosanaError && ['CHAIN__RPC_UNREACHABLE', 'CHAIN__IPFS_UNREACHABLE'].includes(error.code);

/**
 * The recorder and sender of intents.
 *
 * @example
 * ```ts
 * const dispatch = createDispatcher({ store, chain, now: Date.now, event, prices });
 * for (const intent of dispatch.record(deployment, plan, cid)) await dispatch.execute(intent);
 * ```
 */
export function createDispatcher({ store, chain, now, event, prices }: CreateDispatcherParameters) {
  /** Sends one recorded intent; settles it unless the failure is transient. */
  const execute = async (intent: Intent): Promise<void> => {
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

  /** Records a LIST: the job row (PENDING) with its fresh keypairs, and the intent. */
  const recordList = (
    deployment: Deployment,
    action: Extract<Action, { kind: 'LIST' }>,
    cid: CidV0 | null,
    at: number,
  ) => {
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
        cid,
        timeout: action.timeout,
      },
      at,
    );
  };

  /** Records an EXTEND or STOP (and who stopped the job). */
  const recordChange = (deployment: Deployment, action: Exclude<Action, { kind: 'LIST' }>, at: number) => {
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
  };

  /** Records the plan's status change and actions as intents (one transaction) and returns them. */
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
      return plan.actions.map((action) =>
        action.kind === 'LIST'
          ? recordList(deployment, action, revisionCid, at)
          : recordChange(deployment, action, at),
      );
    });
    const recorded = new Set(ids);
    return store.pendingIntents().filter((intent) => recorded.has(intent.id));
  };

  return { execute, record };
}
