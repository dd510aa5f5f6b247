/**
 * Confidential jobs on the node (the real network's `logistics`): the definition on IPFS is a placeholder, the real
 * one reaches the node after its claim — posted by the owner to the node API (`api-listen`) or fetched from the
 * owner's endpoint (`api`) — and the real result leaves the same way while IPFS gets a blank one. What the node keeps
 * (the delivered definition, the real result) is sealed to its own key at rest and given to the job's owner only.
 */
import {
  type FlowState,
  isNosanaError,
  type JobDefinition,
  type Logistics,
  logisticsEndpoint,
  NosanaError,
  validateJobDefinition,
} from '@nosana/core';
import './errors.js';
import { type LogisticsRequest, logisticsRequest } from './logistics-http.js';
import type { Clock } from './retry.js';
import type { KeptResult, NodeStore } from './store.js';
import type { NodeTrust } from './trust.js';

/** Default wait for a definition (the real node's: 5 minutes). */
export const DEFAULT_DEFINITION_WAIT_MS = 5 * 60_000;
/** Default wait for the owner to collect a result (`api-listen`; the real node's: 1 minute). */
export const DEFAULT_RESULT_WAIT_MS = 60_000;
/** How long the node keeps a confidential result for its owner. Default 24 hours. */
export const DEFAULT_KEEP_RESULTS_MS = 24 * 3600_000;

/** What a confidential job waits for, as the node API reports it. */
export type LogisticsStatus = 'waiting-for-job-definition' | 'waiting-for-result';

/** Settings of {@link createLogistics} an operator chooses. */
export interface LogisticsSettings {
  /** Default {@link DEFAULT_DEFINITION_WAIT_MS}. */
  definitionWaitMs?: number;
  /** Default {@link DEFAULT_RESULT_WAIT_MS}. */
  resultWaitMs?: number;
  /** Default {@link DEFAULT_KEEP_RESULTS_MS}. */
  keepResultsMs?: number;
  /** Let `api` endpoints be on this host or its private networks. Default false. */
  allowPrivateEndpoints?: boolean;
}

/** Parameters of {@link createLogistics}. */
export interface CreateLogisticsParameters extends LogisticsSettings {
  clock: Clock;
  store: NodeStore;
  /** Seals what the node keeps to its own key; without it (a test node) it is kept as is. */
  trust?: Pick<NodeTrust, 'sealAtRest' | 'openAtRest'>;
  /** Signs the node's calls to `api` endpoints (`authorization` header for `nosana-job:<job>`). */
  authHeader?: (job: string) => string;
  maxDefinitionBytes: number;
  request?: LogisticsRequest;
}

/** Parameters of {@link JobLogistics.awaitDefinition}. */
export interface AwaitDefinitionParameters {
  job: string;
  send: Logistics;
  signal: AbortSignal;
}

/** Answer to a delivery through the node API. */
export type DeliverOutcome = { ok: true } | { ok: false; error: NosanaError };

/** A confidential job's logistics on this node. */
export interface JobLogistics {
  /** What the job waits for now, if anything. */
  status(job: string): LogisticsStatus | undefined;
  /**
   * The job's real definition, once delivered (`api-listen`) or fetched (`api`); throws `NODE__LOGISTICS_TIMEOUT`,
   * `NODE__LOGISTICS_FAILED`, or `NODE__STOPPED` when `signal` aborts.
   */
  awaitDefinition(parameters: AwaitDefinitionParameters): Promise<JobDefinition>;
  /** `POST /job/<job>/job-definition`: hands the definition to the waiting job (validated first). */
  deliver(job: string, document: unknown): DeliverOutcome;
  /** Keeps the real result for the job's owner (sealed at rest). */
  keep(job: string, project: string, flow: FlowState): Promise<void>;
  /** The kept result, opened; undefined when none is kept (or it expired). */
  kept(job: string): FlowState | undefined;
  /**
   * Gives the result to its owner: `api-listen` waits until the owner collected it (or the wait ends: then the
   * returned error says so); `api` posts it to the owner's endpoint. Undefined when done.
   */
  returnResult(job: string, receive: Logistics, signal: AbortSignal): Promise<NosanaError | undefined>;
  /** The owner collected the result through the node API. */
  collected(job: string): void;
  /** The delivered definition as stored in the job's record (sealed), and back. */
  sealDefinition(job: string, definition: JobDefinition): string | JobDefinition;
  openDefinition(job: string, stored: string | JobDefinition): JobDefinition;
}

/**
 * The node's logistics for confidential jobs.
 *
 * @example
 * ```ts
 * const logistics = createLogistics({ clock, store, trust, maxDefinitionBytes: 1 << 20 });
 * const definition = await logistics.awaitDefinition({ job, send: placeholder.logistics.send, signal });
 * ```
 */
export function createLogistics(parameters: CreateLogisticsParameters): JobLogistics {
  const { clock, store, trust } = parameters;
  const request = parameters.request ?? logisticsRequest;
  const definitionWaitMs = parameters.definitionWaitMs ?? DEFAULT_DEFINITION_WAIT_MS;
  const resultWaitMs = parameters.resultWaitMs ?? DEFAULT_RESULT_WAIT_MS;
  const keepMs = parameters.keepResultsMs ?? DEFAULT_KEEP_RESULTS_MS;
  const statuses = new Map<string, LogisticsStatus>();
  const deliveries = new Map<string, (definition: JobDefinition) => void>();
  const collections = new Map<string, () => void>();
  const seal = <T>(value: T, context: string): string | T =>
    trust ? trust.sealAtRest(value, context) : value;
  const open = <T>(value: string | T, context: string): T =>
    typeof value === 'string' && trust ? (trust.openAtRest(value, context) as T) : (value as T);

  const c: LogisticsContext = { p: parameters, clock, request, statuses, definitionWaitMs };

  return {
    status: (job) => statuses.get(job),

    async awaitDefinition({ job, send, signal }) {
      const giveUp = new AbortController();
      const wait =
        send.type === 'api'
          ? fetchDefinition(c, job, send.args.endpoint ?? '', AbortSignal.any([signal, giveUp.signal]))
          : new Promise<JobDefinition>((resolve) => deliveries.set(job, resolve));
      wait.catch(() => undefined); // a fetch failing after the wait ended is not unhandled
      try {
        const outcome = await waitFor(c, job, 'waiting-for-job-definition', signal, definitionWaitMs, wait);
        if (outcome !== 'timeout') return outcome;
        throw new NosanaError(
          'NODE__LOGISTICS_TIMEOUT',
          `the definition of confidential job ${job} did not reach the node within ${Math.round(definitionWaitMs / 1000)} s — ${send.type === 'api' ? 'its endpoint did not give it' : 'the poster did not send it (nosana job post --confidential sends it once the job is claimed)'}`,
          { job, waited: 'definition', timeoutMs: definitionWaitMs },
        );
      } finally {
        giveUp.abort();
        deliveries.delete(job);
      }
    },

    deliver(job, document) {
      const resolve = deliveries.get(job);
      if (!resolve)
        return {
          ok: false,
          error: new NosanaError(
            'NODE__DEFINITION_NOT_AWAITED',
            `this node does not wait for the definition of job ${job} (${statuses.get(job) ?? 'not waiting'})`,
            { job, status: statuses.get(job) ?? 'not-waiting' },
          ),
        };
      try {
        resolve(checkDefinition(job, document));
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error as NosanaError };
      }
    },

    async keep(job, project, flow) {
      const now = clock.now();
      for (const old of store.keptResults()) if (old.until <= now) await store.forgetResult(old.job);
      const kept: KeptResult = { job, project, until: now + keepMs, result: seal(flow, `result ${job}`) };
      await store.keepResult(kept);
    },

    kept(job) {
      const kept = store.keptResult(job);
      if (!kept || kept.until <= clock.now()) return undefined;
      return open<FlowState>(kept.result, `result ${job}`);
    },

    async returnResult(job, receive, signal) {
      if (receive.type === 'api') {
        const kept = store.keptResult(job);
        const flow = kept ? open<FlowState>(kept.result, `result ${job}`) : null;
        return postResult(c, job, receive.args.endpoint ?? '', flow);
      }
      const collected = new Promise<void>((resolve) => collections.set(job, resolve));
      try {
        const outcome = await waitFor(c, job, 'waiting-for-result', signal, resultWaitMs, collected).catch(
          (error: unknown) => {
            if (isNosanaError(error, 'NODE__STOPPED')) return 'stopped' as const;
            throw error;
          },
        );
        if (outcome !== 'timeout') return undefined;
        return new NosanaError(
          'NODE__RESULT_NOT_COLLECTED',
          `the owner did not collect the result within ${Math.round(resultWaitMs / 1000)} s; the node keeps it for them (nosana job get ${job})`,
          { job, timeoutMs: resultWaitMs },
        );
      } finally {
        collections.delete(job);
      }
    },

    collected: (job) => collections.get(job)?.(),
    sealDefinition: (job, definition) => seal(definition, `definition ${job}`),
    openDefinition: (job, stored) => open<JobDefinition>(stored, `definition ${job}`),
  };
}

/** What the module-level steps of {@link createLogistics} share. */
interface LogisticsContext {
  p: CreateLogisticsParameters;
  clock: Clock;
  request: LogisticsRequest;
  statuses: Map<string, LogisticsStatus>;
  definitionWaitMs: number;
}

/** Resolves with `wait`'s value or `'timeout'`; `NODE__STOPPED` when `signal` aborts. The status shows meanwhile. */
async function waitFor<T>(
  c: LogisticsContext,
  job: string,
  status: LogisticsStatus,
  signal: AbortSignal,
  waitMs: number,
  wait: Promise<T>,
): Promise<T | 'timeout'> {
  c.statuses.set(job, status);
  const timer = new AbortController();
  const onAbort = () => timer.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const timeout = c.clock.sleep(waitMs, timer.signal).then(() => 'timeout' as const);
    const outcome = await Promise.race([wait, timeout]);
    if (signal.aborted)
      throw new NosanaError('NODE__STOPPED', `job ${job} was stopped while ${status}`, { operation: status });
    return outcome;
  } finally {
    timer.abort();
    signal.removeEventListener('abort', onAbort);
    c.statuses.delete(job);
  }
}

/** `api`: the definition from the poster's endpoint (4 tries; a refused address is not tried again). */
async function fetchDefinition(
  c: LogisticsContext,
  job: string,
  endpoint: string,
  signal: AbortSignal,
): Promise<JobDefinition> {
  const url = logisticsEndpoint(endpoint, job);
  let last = 'no attempt';
  for (let attempt = 1; attempt <= 4 && !signal.aborted; attempt++) {
    try {
      const answer = await c.request({
        url,
        method: 'GET',
        headers: c.p.authHeader ? { authorization: c.p.authHeader(job) } : {},
        maxBytes: c.p.maxDefinitionBytes,
        timeoutMs: 15_000,
        allowPrivate: c.p.allowPrivateEndpoints ?? false,
      });
      if (answer.status === 200) return checkDefinition(job, JSON.parse(answer.body));
      last = `HTTP ${answer.status}`;
    } catch (error) {
      if (isNosanaError(error, 'NODE__DEFINITION_INVALID')) throw error;
      last = (error as Error).message;
      if (/not a public address|not allowed|not a URL/.test(last)) break;
    }
    await c.clock.sleep(Math.min(10_000, c.definitionWaitMs / 4), signal);
  }
  throw new NosanaError(
    'NODE__LOGISTICS_FAILED',
    `the definition of job ${job} could not be fetched from ${url}: ${last}`,
    { job, endpoint: url, reason: last },
  );
}

/** `api`: the result posted to the poster's endpoint; the error to note in the blank result when it failed. */
async function postResult(
  c: LogisticsContext,
  job: string,
  endpoint: string,
  flow: FlowState | null,
): Promise<NosanaError | undefined> {
  const url = logisticsEndpoint(endpoint, job);
  try {
    const answer = await c.request({
      url,
      method: 'POST',
      headers: c.p.authHeader ? { authorization: c.p.authHeader(job) } : {},
      body: JSON.stringify(flow),
      maxBytes: 64 * 1024,
      timeoutMs: 30_000,
      allowPrivate: c.p.allowPrivateEndpoints ?? false,
    });
    if (answer.status >= 200 && answer.status < 300) return undefined;
    return logisticsFailed(job, url, `HTTP ${answer.status}`);
  } catch (error) {
    return logisticsFailed(job, url, (error as Error).message);
  }
}

function logisticsFailed(job: string, endpoint: string, reason: string): NosanaError {
  return new NosanaError(
    'NODE__LOGISTICS_FAILED',
    `the result of job ${job} could not be posted to ${endpoint}: ${reason}; the node keeps it for its owner (nosana job get ${job})`,
    { job, endpoint, reason },
  );
}

/** A delivered definition, validated; a confidential job cannot be delivered another placeholder. */
function checkDefinition(job: string, document: unknown): JobDefinition {
  const checked = validateJobDefinition(document);
  const errors = checked.ok
    ? checked.definition.logistics?.send
      ? ['logistics.send: the delivered definition is the one to run — it cannot ask for another delivery']
      : checked.definition.ops.length === 0
        ? ['ops: the delivered definition has no ops to run']
        : []
    : checked.errors.map((e) => `${e.path}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
  if (errors.length > 0 || !checked.ok)
    throw new NosanaError(
      'NODE__DEFINITION_INVALID',
      `the definition delivered for job ${job} is invalid: ${errors.slice(0, 5).join('; ')}`,
      { job, errors },
    );
  return checked.definition;
}
