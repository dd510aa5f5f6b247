/**
 * Runs a job definition's flow on a container engine and returns its result (the `FlowState` nodes pin to
 * IPFS): groups one after another, ops of a group in parallel honoring `depends_on`, literals hydrated just
 * before an op starts, logs streamed and capped, results extracted, services exposed on loopback with health
 * checks, deadlines and stops enforced — and everything labelled so nothing outlives the flow.
 */
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  type ContainerRunOperation,
  type FlowState,
  flowStatusOf,
  type HydrationContext,
  isFinalOpStatus,
  isNosanaError,
  type JobDefinition,
  NosanaError,
  type OpStatus,
} from '@nosana/core';
import '../errors.js';
import type { ContainerEngine, GpuRequest } from '../engine/types.js';
import type { DownloadOptions } from '../resources/download.js';
import { LABELS, type RuntimeEvent, type StopReason } from './events.js';
import { initialState, runGroups } from './groups.js';
import { createLogBudget, DEFAULT_LOG_CAPS, fitResult, type LogCaps } from './log-caps.js';
import { openFlowLogDir, removeFlowLogDirs } from './log-store.js';
import type { ContainerRunContext } from './run-container.js';

export { exposedPorts } from './endpoints.js';
export { LABELS, type RuntimeEvent, type StopReason } from './events.js';

/**
 * Capabilities containers keep (everything else is dropped): what common images need to change file ownership
 * after installing packages, switch to an unprivileged user, and bind ports below 1024. Raw sockets, device nodes,
 * chroot and audit stay dropped.
 */
export const DEFAULT_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'SETGID',
  'SETUID',
  'NET_BIND_SERVICE',
  'KILL',
];

/** Parameters of {@link createRuntime}. */
export interface CreateRuntimeParameters {
  engine: ContainerEngine;
  /** Who owns the containers (e.g. the node's address); the reaper only touches its own scope. */
  scope: string;
  /** Wall clock in ms. */
  now?: () => number;
  /** Per-container limits. Defaults: 75% of host memory, 4096 processes, no CPU cap. */
  limits?: { memoryBytes?: number; nanoCpus?: number; pids?: number };
  /** GPUs for ops with `gpu: true`. Default all; `'none'` refuses GPU ops. */
  gpus?: GpuRequest | 'none';
  /** Let jobs reach the internet (models, packages). Default true; false makes the job network internal. */
  egress?: boolean;
  /** Log lines kept per op in the result. Default 25,000 (same as `logCaps.maxLines`). */
  maxLogLines?: number;
  /** Byte caps on kept logs and on the result ({@link DEFAULT_LOG_CAPS}: 64 KiB a line, 4 MiB an op, 12 MiB a flow, 16 MiB the result). */
  logCaps?: Partial<LogCaps>;
  /**
   * Where running flows keep their ops' logs until they end (a 0700 directory per flow, a JSON-lines file per op,
   * removed with the flow and by the reaper). Default `<os tmpdir>/nosana-logs`; a node uses its state directory.
   */
  logDir?: string;
  /** Seconds between SIGTERM and SIGKILL when stopping. Default 10. */
  stopGraceSeconds?: number;
  capabilities?: string[];
  /** Engine-side log retention per container. Default 10 MiB × 2 files. */
  logLimit?: { maxSizeBytes: number; maxFiles: number };
  downloads?: Omit<DownloadOptions, 'signal'>;
  health?: { startupIntervalMs?: number; continuousIntervalMs?: number };
}

/** Parameters of `runtime.runFlow`. */
export interface RunFlowParameters {
  jobId: string;
  definition: JobDefinition;
  globals?: HydrationContext['globals'];
  /** Abort to stop the flow; `signal.reason` may be a {@link StopReason}. */
  signal?: AbortSignal;
  /** Unix ms after which running ops are stopped (reason `expired`). */
  deadline?: number;
  onEvent?: (event: RuntimeEvent) => void;
  /**
   * Re-attach to the containers of an earlier process running this flow (after a crash): existing containers
   * are followed instead of created.
   */
  resume?: boolean;
}

/** A flow runtime bound to an engine and a scope. */
export interface Runtime {
  runFlow(parameters: RunFlowParameters): Promise<FlowState>;
  /** Stops a running flow of this runtime. */
  stopFlow(jobId: string, reason?: StopReason): boolean;
  /** Jobs with containers of this scope on the engine (including ones from a crashed process). */
  listJobs(): Promise<string[]>;
  /** Removes containers, volumes and networks of this scope (of one job, or of every job not running here). */
  reap(jobId?: string): Promise<{ containers: number; volumes: number; networks: number }>;
}

const sanitize = (text: string) => text.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 64);

/**
 * Creates a runtime.
 *
 * @example
 * ```ts
 * const { engine } = await connectEngine();
 * const runtime = createRuntime({ engine, scope: 'my-host' });
 * const state = await runtime.runFlow({ jobId: 'local-1', definition });
 * ```
 */
export function createRuntime(parameters: CreateRuntimeParameters): Runtime {
  const { engine, scope } = parameters;
  const now = parameters.now ?? Date.now;
  const scopeTag = createHash('sha256').update(scope).digest('hex').slice(0, 8);
  const egress = parameters.egress ?? true;
  const { settings, logCaps } = runtimeSettings(parameters);
  const active = new Map<string, AbortController>();
  const logDir = parameters.logDir ?? join(tmpdir(), 'nosana-logs');
  const names = (jobId: string) => {
    const base = `nosana-${scopeTag}-${sanitize(jobId)}`;
    return {
      network: base,
      container: (index: number) => `${base}-${index}`,
      volume: (name: string) => `${base}-${sanitize(name)}`,
    };
  };
  const labelsOf = (jobId: string, opId?: string) => ({
    [LABELS.managed]: 'true',
    [LABELS.scope]: scope,
    [LABELS.job]: jobId,
    ...(opId ? { [LABELS.op]: opId } : {}),
  });

  /**
   * Whether Docker's default bridge keeps containers apart (the daemon runs with `"icc": false`). Then a flow with
   * a single container gets the isolation, egress and published ports of a network of its own on the default
   * bridge, without creating and removing one — which costs Docker about 250 ms (its iptables rules) per job.
   * Asked once per runtime.
   */
  let bridgeIsolated: Promise<boolean> | undefined;
  const defaultBridgeIsolated = () => {
    bridgeIsolated ??= (async () => {
      if ((await engine.info()).kind !== 'docker') return false;
      const bridge = await engine.inspectNetwork('bridge');
      return bridge?.options['com.docker.network.bridge.enable_icc'] === 'false';
    })().catch(() => false);
    return bridgeIsolated;
  };

  const reap = async (jobId?: string) => {
    const filter = { [LABELS.scope]: scope, ...(jobId ? { [LABELS.job]: jobId } : {}) };
    const keep = (labels: Record<string, string>) => !jobId && active.has(labels[LABELS.job] ?? '');
    // Log files first (a crash after this leaves containers, which a later reap finds): of this job, or of every
    // job of the scope not running here (a crashed process's).
    if (jobId) await rm(join(logDir, names(jobId).network), { recursive: true, force: true });
    else
      await removeFlowLogDirs(
        logDir,
        `nosana-${scopeTag}-`,
        new Set([...active.keys()].map((j) => names(j).network)),
      );
    const containers = (await engine.listContainers(filter)).filter((c) => !keep(c.labels));
    await Promise.all(containers.map((c) => engine.removeContainer(c.id)));
    const volumes = (await engine.listVolumes(filter)).filter((v) => !keep(v.labels));
    await Promise.all(volumes.map((v) => engine.removeVolume(v.name)));
    const networks = (await engine.listNetworks(filter)).filter((n) => !keep(n.labels));
    await Promise.all(networks.map((n) => engine.removeNetwork(n.name)));
    return { containers: containers.length, volumes: volumes.length, networks: networks.length };
  };

  /** The network a flow's containers join: none without containers, the default bridge when it isolates them. */
  const prepareNetwork = async (jobId: string, definition: JobDefinition, resume: boolean) => {
    const runOps = definition.ops.filter((op): op is ContainerRunOperation => op.type === 'container/run');
    if (runOps.length === 0) return undefined;
    if (runOps.length === 1 && egress && (await defaultBridgeIsolated()))
      return { name: 'bridge', aliases: false };
    const name = names(jobId).network;
    await engine.createNetwork(name, { labels: labelsOf(jobId), internal: !egress }).catch((error) => {
      if (!(resume && isNosanaError(error, 'RUNTIME__ENGINE_CONFLICT'))) throw error;
    });
    // The job's own network: DNS aliases between its ops.
    return { name, aliases: true };
  };

  const internals: FlowInternals = {
    engine,
    now,
    active,
    settings,
    logCaps,
    logDir,
    names,
    labelsOf,
    prepareNetwork,
    reap,
  };
  const runFlow = (flow: RunFlowParameters) => executeFlow(internals, flow);

  return {
    runFlow,
    stopFlow(jobId, reason = 'stopped') {
      const controller = active.get(jobId);
      if (!controller) return false;
      controller.abort(reason);
      return true;
    },
    async listJobs() {
      const containers = await engine.listContainers({ [LABELS.scope]: scope });
      return [...new Set(containers.map((c) => c.labels[LABELS.job]).filter((j): j is string => Boolean(j)))];
    },
    reap,
  };
}

/** The container settings every op of this runtime gets: limits, log limits and caps, capabilities, GPUs. */
function runtimeSettings(parameters: CreateRuntimeParameters): {
  settings: ContainerRunContext['settings'];
  logCaps: LogCaps;
} {
  const limits = { memoryBytes: Math.floor(totalmem() * 0.75), pids: 4096, ...parameters.limits };
  const logCaps: LogCaps = {
    ...DEFAULT_LOG_CAPS,
    ...(parameters.maxLogLines === undefined ? {} : { maxLines: parameters.maxLogLines }),
    ...parameters.logCaps,
  };
  const settings: ContainerRunContext['settings'] = {
    limits,
    logLimit: parameters.logLimit ?? { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 2 },
    capabilities: parameters.capabilities ?? DEFAULT_CAPABILITIES,
    ...(parameters.gpus ? { gpus: parameters.gpus } : {}),
    graceSeconds: parameters.stopGraceSeconds ?? 10,
    logCaps,
    ...(parameters.downloads ? { downloads: parameters.downloads } : {}),
    ...(parameters.health ? { health: parameters.health } : {}),
  };
  return { settings, logCaps };
}

/** What a flow needs of the runtime that runs it. */
interface FlowInternals {
  engine: ContainerEngine;
  now: () => number;
  active: Map<string, AbortController>;
  settings: ContainerRunContext['settings'];
  logCaps: LogCaps;
  logDir: string;
  names(jobId: string): { network: string; container(index: number): string; volume(name: string): string };
  labelsOf(jobId: string, opId?: string): Record<string, string>;
  prepareNetwork(
    jobId: string,
    definition: JobDefinition,
    resume: boolean,
  ): Promise<{ name: string; aliases: boolean } | undefined>;
  reap(jobId?: string): Promise<unknown>;
}

/** One flow from start to result (see {@link Runtime.runFlow}). */
async function executeFlow(
  { engine, now, active, settings, logCaps, logDir, names, labelsOf, prepareNetwork, reap }: FlowInternals,
  { jobId, definition, globals = {}, signal, deadline, onEvent, resume = false }: RunFlowParameters,
): Promise<FlowState> {
  if (active.has(jobId))
    throw new NosanaError(
      'RUNTIME__FLOW_ALREADY_RUNNING',
      `flow ${jobId} is already running in this runtime — wait for it to end, or stop it with stopFlow`,
      { job: jobId },
    );
  const controller = new AbortController();
  active.set(jobId, controller);
  const stop = (reason: StopReason) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onAbort = () => stop(((signal?.reason as StopReason) ?? 'stopped') as StopReason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    deadline !== undefined ? setTimeout(() => stop('expired'), Math.max(0, deadline - now())) : undefined;
  const emit = (event: RuntimeEvent) => {
    try {
      onEvent?.(event);
    } catch {
      // A listener's failure must not break the flow.
    }
  };
  const state = initialState(definition, now());
  const statusListeners = new Set<(opId: string, status: OpStatus) => void>();
  const setStatus: ContainerRunContext['setStatus'] = (opState, status, extra = {}) => {
    opState.status = status;
    emit({ type: 'op-status', jobId, opId: opState.operationId, status, ...extra });
    for (const listener of [...statusListeners]) listener(opState.operationId, status);
  };
  const n = names(jobId);
  const logs = await openFlowLogDir(logDir, n.network);
  const context: Omit<ContainerRunContext, 'network'> = {
    engine,
    jobId,
    definition,
    hydration: {
      globals,
      ...(definition.global?.variables ? { variables: definition.global.variables } : {}),
      ops: {},
    },
    flowSignal: controller.signal,
    resume,
    containerName: n.container,
    volumeName: n.volume,
    labels: (opId) => labelsOf(jobId, opId),
    settings,
    budget: createLogBudget(logCaps.maxFlowBytes),
    logStore: logs.store,
    now,
    emit,
    setStatus,
    onStatus: (listener) => {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    statusOf: (opId) => state.opStates.find((o) => o.operationId === opId)?.status,
  };
  try {
    const network = await prepareNetwork(jobId, definition, resume);
    await runGroups({ ...context, ...(network ? { network } : {}) }, state);
  } catch (error) {
    state.errors = [
      ...(state.errors ?? []),
      { message: (error as Error).message, ...(isNosanaError(error) ? { code: error.code } : {}) },
    ];
    for (const opState of state.opStates) if (!isFinalOpStatus(opState.status)) setStatus(opState, 'failed');
  } finally {
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    await reap(jobId).catch(() => undefined);
    await logs.remove().catch(() => undefined);
    active.delete(jobId);
  }
  state.status = state.errors?.length ? 'failed' : flowStatusOf(state.opStates);
  state.endTime = now();
  fitResult(state, logCaps.maxResultBytes);
  emit({ type: 'flow-finished', jobId, state });
  return state;
}
