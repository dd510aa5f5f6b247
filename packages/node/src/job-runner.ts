/**
 * Running one job: its definition is read and validated, its flow run by the runtime while the job is watched on
 * chain, and the flow's result (cut to the size limit) persisted as `result-ready` for settlement. Nothing here
 * posts anything on chain.
 */
import type { RunView } from '@nosana/chain';
import {
  definitionLogistics,
  type FlowState,
  isNosanaError,
  type JobDefinition,
  type LogEntry,
  type OpStatus,
  resultLogistics,
  validateJobDefinition,
} from '@nosana/core';
import {
  type PullProgress,
  probe as probePort,
  type Runtime,
  type RuntimeEvent,
  type StopReason,
} from '@nosana/runtime';
import type { ChainPort } from './chain-port.js';
import { confidentialDefinition, logisticsRefusal, returnConfidentialResult } from './confidential-job.js';
import { imagesOf } from './image-cache.js';
import { definitionRefusal, endedUnhealthy, openSecrets } from './job-outcomes.js';
import type { LogTail } from './log-tail.js';
import type { JobLogistics } from './logistics.js';
import { capResult, MAX_RESULT_BYTES } from './result-size.js';
import { type Backoff, type Clock, retry } from './retry.js';
import { watchRun } from './run-watch.js';
import {
  DEFAULT_SERVICE_GRACE_MS,
  DEFAULT_SERVICE_PROBE_MS,
  type ServiceHealthSettings,
  type ServiceProbe,
  type UnhealthyVerdict,
  watchServiceHealth,
} from './service-health.js';
import { createJobServices, type ServiceEvent, type ServiceTunnel } from './services.js';
import type { JobRecord, NodeStore } from './store.js';
import { type NodeTrust, wantsSealedResults } from './trust.js';

/** The live view of a job the node runs (for its API). */
export interface LiveJob {
  job: string;
  run: string;
  startedAt: number;
  ops: Record<string, OpStatus>;
  /** Services the job exposes; `private` ones are shown to the job's owner only. */
  endpoints: Array<{
    opId: string;
    port: number;
    url: string;
    status: string;
    private: boolean;
    /** The URL on the node's gateway, once the gateway accepted the service. */
    publicUrl?: string;
  }>;
  /** The live tail: the last 1,000 lines (at most 1 MiB of text), a copy read from `tail`. */
  readonly logs: Array<LogEntry & { opId: string }>;
  tail: LogTail;
  /** Image pulls of the job's ops, by op id: the latest progress (`phase: 'complete'` once pulled). */
  pulls: Record<string, PullProgress>;
  /** Listeners of new log lines (the API's WebSocket). */
  listeners: Set<(entry: LogEntry & { opId: string }) => void>;
  /**
   * True once the job's definition is known and its result will be public (neither sealed to the poster nor
   * confidential): its live logs are then anyone's to read, as its result soon will be.
   */
  publicLogs?: boolean;
}

/** Parameters of {@link runJob}. */
export interface RunJobParameters {
  chain: ChainPort;
  runtime: Runtime;
  store: NodeStore;
  clock: Clock;
  run: RunView;
  market: string;
  view: LiveJob;
  /** Aborted when the node shuts down: the flow stops with reason `shutdown`. */
  shutdown: AbortSignal;
  pollMs: number;
  backoff?: Backoff;
  maxDefinitionBytes: number;
  maxResultBytes?: number;
  onRuntimeEvent?: (event: RuntimeEvent) => void;
  /** The images the job's ops run, once its definition is known (the image cache keeps them while it runs). */
  onImages?: (images: string[]) => void;
  onWarning?: (message: string) => void;
  /** The node's gateway tunnel: services are exposed through it while their op runs. */
  tunnel?: ServiceTunnel;
  onServiceEvent?: (event: ServiceEvent) => void;
  /** Health metering of the job's services (default: 60 s grace, probes every 5 s). */
  serviceHealth?: ServiceHealthSettings & { probe?: ServiceProbe };
  /** The job is being ended early because a service stayed unhealthy past the grace period. */
  onUnhealthy?: (verdict: UnhealthyVerdict) => void;
  /** A service (`<op>:<port>`) came online for the first time, and the node's record says so. */
  onServiceOnline?: (key: string) => void;
  /** Opens sealed secrets, seals results and signs receipts with the node's key. Default: none of these. */
  trust?: NodeTrust;
  /** Confidential jobs' definitions and results (`logistics`). Default: none (such a job ends `logistics-error`). */
  logistics?: JobLogistics;
}

/** The runtime's probe, every check of the port (none: a TCP connection). */
const defaultProbe: ServiceProbe = async (hostPort, checks) => {
  const timeoutMs = 5000;
  if (checks.length === 0) return probePort(hostPort, undefined, timeoutMs);
  const results = await Promise.all(checks.map((check) => probePort(hostPort, check, timeoutMs)));
  return results.every(Boolean);
};

/** Room kept under the result limit for the receipt (and, sealed, base64's growth) added after the cut. */
const RECEIPT_ROOM_BYTES = 256 * 1024;

/** IPFS answers that retrying cannot change: the definition is bad, not the network. */
const DEFINITION_FATAL = [
  'CHAIN__IPFS_NOT_FOUND',
  'CHAIN__IPFS_TOO_LARGE',
  'CHAIN__IPFS_INVALID_JSON',
  'CHAIN__IPFS_CID_MISMATCH',
] as const;

/**
 * Runs a job to its end and records its result as `result-ready`. Returns null when the job is gone from the chain
 * before it started (nothing to settle).
 *
 * @example
 * ```ts
 * const record = await runJob({ chain, runtime, store, clock, run, market, view, shutdown, pollMs: 5000, maxDefinitionBytes: 1 << 20 });
 * if (record) await settleRecord(record, { chain, store, clock });
 * ```
 */
export async function runJob(parameters: RunJobParameters): Promise<JobRecord | null> {
  const { chain, runtime, store, clock, run, view } = parameters;
  const job = view.job;
  const base = { job, run: view.run, market: parameters.market, startedAt: view.startedAt };
  const existing = store.get(job);
  if (existing?.phase === 'result-ready' || existing?.phase === 'result-pinned') return existing;
  if (!existing) await store.put({ ...base, phase: 'claimed' });

  const controller = new AbortController();
  const stopJob = (reason: StopReason) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    runtime.stopFlow(job, reason);
  };
  let unhealthy: UnhealthyVerdict | undefined;
  const endUnhealthy = (verdict: UnhealthyVerdict) => {
    if (controller.signal.aborted) return; // already ending for another reason (stop, expiry, shutdown)
    unhealthy = verdict;
    parameters.onUnhealthy?.(verdict);
    stopJob('stopped');
  };
  const onShutdown = () => stopJob('shutdown');
  if (parameters.shutdown.aborted) onShutdown();
  parameters.shutdown.addEventListener('abort', onShutdown, { once: true });
  const retryOptions = (operation: string) => retrySettings(parameters, operation, controller.signal);
  let unwatch: (() => void) | undefined;
  try {
    const onChain = await retry(() => chain.getJob(job), {
      ...retryOptions(`reading job ${job}`),
      isFatal: (error) => isNosanaError(error, 'CHAIN__JOB_NOT_FOUND'),
    }).catch((error: unknown) => {
      if (isNosanaError(error, 'CHAIN__JOB_NOT_FOUND')) return null;
      throw error;
    });
    if (!onChain) {
      await store.remove(job);
      return null;
    }
    unwatch = watchRun({
      chain,
      clock,
      run,
      timeout: onChain.timeout,
      pollMs: parameters.pollMs,
      ...(parameters.backoff ? { backoff: parameters.backoff } : {}),
      stop: stopJob,
      ...(parameters.onWarning ? { onWarning: parameters.onWarning } : {}),
    });
    const definition = await retry(
      async () =>
        validateJobDefinition(
          await chain.readJson<JobDefinition>(onChain.definition, parameters.maxDefinitionBytes),
        ),
      {
        ...retryOptions(`reading the definition of job ${job}`),
        isFatal: (error) => DEFINITION_FATAL.some((code) => isNosanaError(error, code)),
      },
    ).catch((error: Error) => error);
    const valid = definition instanceof Error || !definition.ok ? null : definition.definition;
    const poster = onChain.project.toBase58();
    // A confidential job: the definition on IPFS is a placeholder, the one to run reaches the node now.
    const toRun =
      valid && definitionLogistics(valid)
        ? await confidentialDefinition({
            logistics: parameters.logistics,
            store,
            base,
            placeholder: valid,
            signal: controller.signal,
          }).catch((error: Error) => error)
        : valid;
    let flow: FlowState;
    const now = clock.now();
    if (!valid) {
      flow = definitionRefusal(definition, controller.signal.aborted, now);
    } else if (toRun instanceof Error || !toRun) {
      flow = logisticsRefusal(toRun ?? new Error('no definition'), view.startedAt, now);
    } else {
      view.publicLogs = !definitionLogistics(valid) && !resultLogistics(valid) && !wantsSealedResults(toRun);
      const opened = openSecrets(parameters.trust, toRun, poster);
      if (opened instanceof Error) {
        flow = {
          status: 'validation-error',
          startTime: now,
          endTime: now,
          errors: [{ message: opened.message, ...(isNosanaError(opened) ? { code: opened.code } : {}) }],
          opStates: [],
        };
      } else {
        await store.put({ ...base, ...carried(store.get(job)), phase: 'running' });
        flow = await runFlow(parameters, opened, poster, controller.signal, endUnhealthy);
        if (unhealthy) flow = endedUnhealthy(flow, unhealthy);
      }
    }
    const about = { definitionCid: onChain.definition, poster };
    const capped = await finalResult(parameters, flow, {
      ...about,
      definition: toRun instanceof Error ? null : toRun,
    });
    const receive = valid ? resultLogistics(valid) : undefined;
    if (receive && parameters.logistics && valid)
      return returnConfidentialResult({
        logistics: parameters.logistics,
        store,
        base,
        receive,
        result: capped,
        poster,
        // The blank result's receipt is about the placeholder: the one on chain.
        finalize: (blank) => finalResult(parameters, blank, { ...about, definition: valid }),
        signal: controller.signal,
      });
    const record: JobRecord = { ...base, phase: 'result-ready', status: capped.status, flow: capped };
    await store.put(record);
    return record;
  } finally {
    unwatch?.();
    parameters.shutdown.removeEventListener('abort', onShutdown);
  }
}

/**
 * What a running job's record keeps from the one before it: the delivered definition of a confidential job, and
 * the services that came online (a resumed job needs both).
 */
function carried(record: JobRecord | undefined): Pick<JobRecord, 'definition' | 'online'> {
  return {
    ...(record?.definition === undefined ? {} : { definition: record.definition }),
    ...(record?.online === undefined ? {} : { online: record.online }),
  };
}

/** Remembers in the job's record that a service came online (writes one at a time, while the job runs). */
function rememberOnline(store: NodeStore, job: string, key: string, remembered: () => void): void {
  const previous = onlineWrites.get(store) ?? Promise.resolve();
  const next = previous.then(async () => {
    const record = store.get(job);
    if (record?.phase !== 'running' || record.online?.includes(key)) return;
    await store.put({ ...record, online: [...(record.online ?? []), key] });
    remembered();
  });
  onlineWrites.set(
    store,
    next.catch(() => undefined),
  );
}
const onlineWrites = new WeakMap<NodeStore, Promise<void>>();

/** How the runner retries a read: on the node's clock and backoff, each failure a warning, until `signal` aborts. */
function retrySettings(parameters: RunJobParameters, operation: string, signal: AbortSignal) {
  return {
    operation,
    clock: parameters.clock,
    signal,
    ...(parameters.backoff ? { backoff: parameters.backoff } : {}),
    onRetry: (error: unknown, attempt: number, delay: number) =>
      parameters.onWarning?.(
        `${operation} failed (attempt ${attempt}): ${(error as Error).message} — retrying in ${delay} ms`,
      ),
  };
}

/** The result as pinned: cut to the size limit, then (with trust) sealed when asked and given its receipt. */
async function finalResult(
  parameters: RunJobParameters,
  flow: FlowState,
  about: { definitionCid: string; definition: JobDefinition | null; poster: string },
): Promise<FlowState> {
  const maxBytes = parameters.maxResultBytes ?? MAX_RESULT_BYTES;
  const trust = parameters.trust;
  const room = trust ? Math.floor(Math.max(maxBytes - RECEIPT_ROOM_BYTES, maxBytes / 2) * 0.74) : maxBytes;
  const { flow: capped } = capResult(flow, room);
  if (!trust) return capped;
  return trust.finalize({
    job: parameters.view.job,
    run: parameters.view.run,
    market: parameters.market,
    ...about,
    flow: capped,
  });
}

async function runFlow(
  parameters: RunJobParameters,
  definition: JobDefinition,
  project: string,
  signal: AbortSignal,
  onUnhealthy: (verdict: UnhealthyVerdict) => void,
): Promise<FlowState> {
  const { runtime, view, chain, clock } = parameters;
  const job = view.job;
  const privateOps = new Set(
    definition.ops
      .filter((op) => op.type === 'container/run' && (op.args as { private?: boolean }).private === true)
      .map((op) => op.id),
  );
  const publicUrls = new Map<string, string>();
  const withPublicUrl = <T extends { opId: string; port: number }>(
    endpoint: T,
  ): T & { publicUrl?: string } => {
    const publicUrl = publicUrls.get(`${endpoint.opId}:${endpoint.port}`);
    return publicUrl ? { ...endpoint, publicUrl } : endpoint;
  };
  const services = parameters.tunnel
    ? createJobServices({
        tunnel: parameters.tunnel,
        job,
        definition,
        onUrl: (opId, port, url) => {
          if (url) publicUrls.set(`${opId}:${port}`, url);
          else publicUrls.delete(`${opId}:${port}`);
          view.endpoints = view.endpoints.map(({ publicUrl: _, ...endpoint }) => withPublicUrl(endpoint));
        },
        onEvent: (event) => parameters.onServiceEvent?.(event),
      })
    : undefined;
  const graceMs = parameters.serviceHealth?.graceMs ?? DEFAULT_SERVICE_GRACE_MS;
  const health =
    graceMs > 0
      ? watchServiceHealth({
          job,
          definition,
          clock,
          probe: parameters.serviceHealth?.probe ?? defaultProbe,
          graceMs,
          intervalMs: parameters.serviceHealth?.intervalMs ?? DEFAULT_SERVICE_PROBE_MS,
          onUnhealthy,
          wasOnline: new Set(parameters.store.get(job)?.online ?? []),
          onOnline: (key) =>
            rememberOnline(parameters.store, job, key, () => parameters.onServiceOnline?.(key)),
        })
      : undefined;
  try {
    parameters.onImages?.(imagesOf(definition));
    const resume = (await runtime.listJobs()).includes(job);
    const flow = await runtime.runFlow({
      jobId: job,
      definition,
      globals: { job, host: chain.address, project, frps_address: '' },
      signal,
      resume,
      onEvent: (event) => {
        if (event.type === 'op-status') view.ops[event.opId] = event.status;
        if (event.type === 'pull') view.pulls[event.opId] = event.progress;
        if (event.type === 'endpoint') {
          view.endpoints = [
            ...view.endpoints.filter((e) => !(e.opId === event.opId && e.port === event.port)),
            withPublicUrl({
              opId: event.opId,
              port: event.port,
              url: event.url,
              status: event.status,
              private: privateOps.has(event.opId),
            }),
          ];
        }
        services?.onRuntimeEvent(event);
        health?.onRuntimeEvent(event);
        if (event.type === 'log') {
          view.tail.push(event.opId, event.entry);
          if (view.listeners.size > 0) {
            const entry = { ...event.entry, opId: event.opId };
            for (const listener of view.listeners) listener(entry);
          }
        }
        parameters.onRuntimeEvent?.(event);
      },
    });
    // The result is public (IPFS): the URLs of private services stay out of it.
    return {
      ...flow,
      opStates: flow.opStates.map(({ endpoints, ...op }) =>
        privateOps.has(op.operationId) || !endpoints ? op : { ...op, endpoints },
      ),
    };
  } catch (error) {
    // The engine failed under the flow: the job ends failed (and is settled), it is not run again.
    const now = clock.now();
    return {
      status: 'failed',
      startTime: view.startedAt,
      endTime: now,
      errors: [
        {
          message: `the container engine failed while running the job: ${(error as Error).message}`,
          ...(isNosanaError(error) ? { code: error.code } : {}),
        },
      ],
      opStates: [],
    };
  } finally {
    health?.close();
    services?.close();
    // Written before the runner records the result, never after it.
    await onlineWrites.get(parameters.store);
  }
}
