/**
 * One `container/run` op from start to outcome: hydrate, pull, create (container-spec), install resources,
 * start, follow logs (log-follower, capped by log-caps), watch endpoints, wait for the final exit or a stop, and
 * classify the outcome (op-outcome).
 */
import {
  type ContainerRunOperation,
  type HydrationContext,
  hydrateOperation,
  isFinalOpStatus,
  isNosanaError,
  type JobDefinition,
  NosanaError,
  type OpState,
  type OpStatus,
} from '@nosana/core';
import '../errors.js';
import type { ContainerEngine, ContainerSpec, GpuRequest } from '../engine/types.js';
import type { DownloadOptions } from '../resources/download.js';
import { checkResourceNames } from '../resources/download.js';
import { installResources } from '../resources/install.js';
import { buildContainerSpec, dnsName } from './container-spec.js';
import { exposedPorts, watchEndpoints } from './endpoints.js';
import type { RuntimeEvent, StopReason } from './events.js';
import { cappedResults, createOpLogs, type LogBudget, type LogCaps, type OpLogs } from './log-caps.js';
import { followLogs } from './log-follower.js';
import type { LogStore } from './log-store.js';
import { classifyOutcome } from './op-outcome.js';

/** What an op runner needs from its flow and runtime. */
export interface ContainerRunContext {
  engine: ContainerEngine;
  jobId: string;
  definition: JobDefinition;
  hydration: HydrationContext;
  /** Aborts (with a {@link StopReason}) when the flow is stopped. */
  flowSignal: AbortSignal;
  resume: boolean;
  containerName(index: number): string;
  volumeName(name: string): string;
  labels(opId: string): Record<string, string>;
  network?: { name: string; aliases: boolean };
  settings: {
    limits: ContainerSpec['limits'];
    logLimit: ContainerSpec['logLimit'];
    capabilities: string[];
    gpus?: GpuRequest | 'none';
    graceSeconds: number;
    logCaps: LogCaps;
    downloads?: Omit<DownloadOptions, 'signal'>;
    health?: { startupIntervalMs?: number; continuousIntervalMs?: number };
  };
  budget: LogBudget;
  /** Where the op at `index` keeps its log until it ends (a file of the flow's log directory). */
  logStore(index: number): LogStore;
  now(): number;
  emit(event: RuntimeEvent): void;
  setStatus(opState: OpState, status: OpStatus, extra?: { exitCode?: number | null; error?: string }): void;
  /** Listens to op status changes of the flow; returns the unsubscribe function. */
  onStatus(listener: (opId: string, status: OpStatus) => void): () => void;
  statusOf(opId: string): OpStatus | undefined;
}

/** The engine's answer to a container's start: its next exit, or the start failure as a coded error. */
async function start(context: ContainerRunContext, opId: string, containerId: string) {
  try {
    return await context.engine.startContainer(containerId);
  } catch (error) {
    if (isNosanaError(error, 'RUNTIME__GPU_UNAVAILABLE')) throw error;
    const reason = isNosanaError(error, 'RUNTIME__ENGINE_REQUEST_FAILED')
      ? error.context.reason
      : (error as Error).message;
    throw new NosanaError(
      'RUNTIME__CONTAINER_FAILED',
      `op "${opId}" could not start: ${reason}`,
      { op: opId, reason },
      { cause: error },
    );
  }
}

/** Creates the op's container (pulling its image first if needed), or finds it again when resuming. */
async function createOrResume(
  context: ContainerRunContext,
  op: ContainerRunOperation,
  index: number,
  opState: OpState,
  signal: AbortSignal,
) {
  const { engine, jobId } = context;
  const name = context.containerName(index);
  const existing = context.resume ? await engine.inspectContainer(name).catch(() => undefined) : undefined;
  if (existing) return { containerId: existing.id, existing };
  const spec = buildContainerSpec({
    op,
    ...(context.definition.global ? { global: context.definition.global } : {}),
    jobId,
    name,
    volumeName: context.volumeName,
    labels: context.labels(op.id),
    ...(context.network ? { network: context.network } : {}),
    limits: context.settings.limits,
    logLimit: context.settings.logLimit,
    capabilities: context.settings.capabilities,
    ...(context.settings.gpus ? { gpus: context.settings.gpus } : {}),
  });
  // Names a definition gives are checked before anything is pulled or created: a refused resource costs nothing.
  for (const resource of op.args.resources ?? []) {
    if (typeof resource === 'object' && !('__spread__' in resource)) checkResourceNames(resource, op.id);
  }
  if (!(await engine.imageExists(spec.image))) {
    context.setStatus(opState, 'pulling');
    await engine.pullImage(spec.image, {
      ...(op.args.authentication?.docker ? { auth: op.args.authentication.docker } : {}),
      onProgress: (progress) => context.emit({ type: 'pull', jobId, opId: op.id, progress }),
      signal,
    });
  }
  context.setStatus(opState, 'starting');
  const containerId = await engine.createContainer(spec);
  opState.providerId = containerId;
  await installResources({
    engine,
    containerId,
    opId: op.id,
    resources: op.args.resources,
    ...(context.settings.downloads ? { downloads: context.settings.downloads } : {}),
    signal,
  });
  return { containerId, existing: undefined };
}

/** Stops the op when a dependency fails or is stopped (`stop_if_dependent_stops`), from the flow's status events. */
function stopWithDependencies(context: ContainerRunContext, op: ContainerRunOperation, stop: () => void) {
  if (!op.execution?.stop_if_dependent_stops) return () => undefined;
  const dependencies = new Set(op.execution.depends_on ?? []);
  const ended = (status: OpStatus | undefined) => status === 'failed' || status === 'stopped';
  if ([...dependencies].some((d) => ended(context.statusOf(d)))) stop();
  return context.onStatus((opId, status) => {
    if (dependencies.has(opId) && ended(status)) stop();
  });
}

/** Waits for the container's final exit (through restarts) or a stop; returns the stop's reason, if any. */
async function waitForEnd(
  context: ContainerRunContext,
  containerId: string,
  firstExit: Promise<{ exitCode: number }>,
  signal: AbortSignal,
  opState: OpState,
): Promise<StopReason | undefined> {
  const { engine } = context;
  const stopped = new Promise<{ kind: 'stop' }>((resolve) => {
    if (signal.aborted) resolve({ kind: 'stop' });
    signal.addEventListener('abort', () => resolve({ kind: 'stop' }), { once: true });
  });
  let exited = firstExit;
  while (true) {
    const outcome = await Promise.race([exited.then((r) => ({ kind: 'exit' as const, ...r })), stopped]);
    if (outcome.kind === 'stop') {
      context.setStatus(opState, 'stopping');
      await engine.stopContainer(containerId, context.settings.graceSeconds);
      return (signal.reason as StopReason) ?? 'stopped';
    }
    const after = await engine.inspectContainer(containerId);
    if (!after.running && !after.restarting) return undefined;
    context.setStatus(opState, 'restarting');
    exited = engine.waitContainer(containerId);
  }
}

/** Puts the kept log and the results extracted from it (within the flow's budget) into the op state. */
function keepLogsAndResults(
  context: ContainerRunContext,
  op: ContainerRunOperation,
  opState: OpState,
  logs: OpLogs,
): void {
  opState.logs = logs.entries();
  if (op.results) {
    const { results, dropped } = cappedResults(op.results, opState.logs, context.budget);
    opState.results = results;
    if (dropped > 0)
      opState.logs.push({
        type: 'nodeerr',
        log: `Results truncated: ${dropped} match(es) dropped to keep the result under its size limit`,
        timestamp: context.now(),
      });
  }
  if (logs.truncated || opState.logs.at(-1)?.type === 'nodeerr') opState.logsTruncated = true;
  context.hydration.ops[op.id]!.results = opState.results ?? {};
}

/** An op that failed before its container could run to an outcome: the error event says at which step. */
function failOp(context: ContainerRunContext, opState: OpState, error: unknown): void {
  opState.error = {
    event: isNosanaError(error, 'CORE__LITERAL_UNRESOLVED')
      ? 'hydration'
      : isNosanaError(error, 'RUNTIME__IMAGE_PULL_FAILED') ||
          isNosanaError(error, 'RUNTIME__IMAGE_PULL_UNAUTHORIZED')
        ? 'pull'
        : 'container',
    message: (error as Error).message,
    ...(isNosanaError(error) ? { code: error.code } : {}),
  };
  opState.endTime = context.now();
  if (!isFinalOpStatus(opState.status))
    context.setStatus(opState, 'failed', { error: opState.error.message });
}

/**
 * Runs one `container/run` op; never throws (failures end up in the op state). `markReady(ok)` is called once:
 * when the op is final, or earlier for a service whose endpoints are all ONLINE.
 *
 * @example
 * ```ts
 * await runContainer(context, op, 0, opState, (ok) => ready.resolve(ok));
 * ```
 */
export async function runContainer(
  context: ContainerRunContext,
  op: ContainerRunOperation,
  index: number,
  opState: OpState,
  markReady: (ok: boolean) => void,
): Promise<void> {
  const { engine, jobId, settings } = context;
  const logs = createOpLogs({
    caps: settings.logCaps,
    budget: context.budget,
    now: context.now,
    store: context.logStore(index),
  });
  const opStop = new AbortController();
  const stopOp = (reason: StopReason) => {
    if (!opStop.signal.aborted) opStop.abort(reason);
  };
  const onFlowStop = () => stopOp((context.flowSignal.reason as StopReason) ?? 'stopped');
  context.flowSignal.addEventListener('abort', onFlowStop, { once: true });
  if (context.flowSignal.aborted) onFlowStop();
  const unsubscribe = stopWithDependencies(context, op, () => stopOp('stopped'));
  const endpointWatch = new AbortController();
  let readyMarked = false;
  const markOnce = (ok: boolean) => {
    if (readyMarked) return;
    readyMarked = true;
    markReady(ok);
  };
  try {
    const hydrated = hydrateOperation(op, context.hydration) as ContainerRunOperation;
    const { containerId, existing } = await createOrResume(context, hydrated, index, opState, opStop.signal);
    opState.providerId = containerId;
    context.hydration.ops[op.id] = { host: dnsName(op.id), results: {} };

    let exited: Promise<{ exitCode: number }>;
    const before = await engine.inspectContainer(containerId);
    if (before.running || before.restarting) exited = engine.waitContainer(containerId);
    else if (existing && before.finishedAt && !before.finishedAt.startsWith('0001'))
      exited = Promise.resolve({ exitCode: before.exitCode });
    else ({ exited } = await start(context, op.id, containerId));
    opState.startTime ??= context.now();
    context.setStatus(opState, 'running');

    // Logs: followed from the start (so a resumed flow gets them all), capped, streamed as events.
    const follower = followLogs({
      engine,
      containerId,
      maxLineBytes: settings.logCaps.maxLineBytes,
      onLine: (line) => context.emit({ type: 'log', jobId, opId: op.id, entry: logs.push(line) }),
    });

    // Services: published ports, endpoints and health.
    const ports = exposedPorts(hydrated.args.expose);
    const running = await engine.inspectContainer(containerId);
    const endpoints = watchEndpoints({
      expose: hydrated.args.expose,
      ports,
      hostPorts: running.ports,
      signal: endpointWatch.signal,
      ...(settings.health ? { health: settings.health } : {}),
      onStatus: ({ port, url, status }) => {
        context.emit({ type: 'endpoint', jobId, opId: op.id, port, url, status });
      },
      onAllOnline: () => markOnce(true),
    });
    for (const endpoint of endpoints) {
      const known = context.hydration.ops[op.id]!;
      known.endpoints = { ...known.endpoints, [String(endpoint.port)]: endpoint.url };
    }
    if (endpoints.length > 0) opState.endpoints = endpoints;

    // Wait for the final exit (restart policies may restart it), or a stop.
    const stopReason = await waitForEnd(context, containerId, exited, opStop.signal, opState);
    endpointWatch.abort();
    const final = await engine.inspectContainer(containerId);
    await follower.finish();
    opState.exitCode = final.exitCode;
    keepLogsAndResults(context, op, opState, logs);
    opState.endTime = context.now();
    const outcome = classifyOutcome({
      opId: op.id,
      final,
      ...(stopReason ? { stopReason } : {}),
      isService: ports.length > 0,
      ...(settings.limits.memoryBytes ? { memoryBytes: settings.limits.memoryBytes } : {}),
      logs: opState.logs,
    });
    opState.diagnostics = outcome.diagnostics;
    if (outcome.error) opState.error = outcome.error;
    context.setStatus(opState, outcome.status, { exitCode: final.exitCode });
    markOnce(outcome.status === 'success');
  } catch (error) {
    endpointWatch.abort();
    opState.logs = logs.entries();
    failOp(context, opState, error);
    markOnce(false);
  } finally {
    unsubscribe();
    context.flowSignal.removeEventListener('abort', onFlowStop);
  }
}
