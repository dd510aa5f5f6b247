/**
 * Runs a job definition's flow on a container engine and returns its result (the `FlowState` nodes pin to
 * IPFS): groups one after another, ops of a group in parallel honoring `depends_on`, literals hydrated just
 * before an op starts, logs streamed and capped, results extracted, services exposed on loopback with health
 * checks, deadlines and stops enforced — and everything labelled so nothing outlives the flow.
 */
import { createHash } from 'node:crypto';
import { totalmem } from 'node:os';
import {
  type ContainerRunOperation,
  createLogCollector,
  DEFAULT_MAX_LOG_LINES,
  type EndpointStatus,
  type ExposeItem,
  extractResults,
  type FlowState,
  flowStatusOf,
  groupOperations,
  type HydrationContext,
  hydrateOperation,
  isFinalOpStatus,
  isNosanaError,
  type JobDefinition,
  type LogEntry,
  NosanaError,
  type Operation,
  type OpState,
  type OpStatus,
} from '@nosana/core';
import '../errors.js';
import type { ContainerEngine, ContainerLogLine, GpuRequest, PullProgress } from '../engine/types.js';
import { type DownloadOptions, downloadResource } from '../resources/download.js';
import { toArgv } from './command.js';
import { watchEndpoint } from './health.js';
import { createLogCursor } from './log-cursor.js';

/** Why running ops were stopped. */
export type StopReason = 'stopped' | 'expired' | 'shutdown';

/** Events a flow emits while it runs. */
export type RuntimeEvent =
  | {
      type: 'op-status';
      jobId: string;
      opId: string;
      status: OpStatus;
      exitCode?: number | null;
      error?: string;
    }
  | { type: 'log'; jobId: string; opId: string; entry: LogEntry }
  | { type: 'pull'; jobId: string; opId: string; progress: PullProgress }
  | { type: 'endpoint'; jobId: string; opId: string; port: number; url: string; status: EndpointStatus }
  | { type: 'flow-finished'; jobId: string; state: FlowState };

/** Labels on everything the runtime creates. */
export const LABELS = {
  managed: 'org.nosana.managed',
  scope: 'org.nosana.scope',
  job: 'org.nosana.job',
  op: 'org.nosana.op',
} as const;

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
  /** Log lines kept per op in the result. Default 25,000. */
  maxLogLines?: number;
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
const dnsName = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'op';

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
  const limits = { memoryBytes: Math.floor(totalmem() * 0.75), pids: 4096, ...parameters.limits };
  const egress = parameters.egress ?? true;
  const grace = parameters.stopGraceSeconds ?? 10;
  const maxLogLines = parameters.maxLogLines ?? DEFAULT_MAX_LOG_LINES;
  const capabilities = parameters.capabilities ?? DEFAULT_CAPABILITIES;
  const logLimit = parameters.logLimit ?? { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 2 };
  const active = new Map<string, AbortController>();
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
    const containers = (await engine.listContainers(filter)).filter((c) => !keep(c.labels));
    await Promise.all(containers.map((c) => engine.removeContainer(c.id)));
    const volumes = (await engine.listVolumes(filter)).filter((v) => !keep(v.labels));
    await Promise.all(volumes.map((v) => engine.removeVolume(v.name)));
    const networks = (await engine.listNetworks(filter)).filter((n) => !keep(n.labels));
    await Promise.all(networks.map((n) => engine.removeNetwork(n.name)));
    return { containers: containers.length, volumes: volumes.length, networks: networks.length };
  };

  const runFlow = async ({
    jobId,
    definition,
    globals = {},
    signal,
    deadline,
    onEvent,
    resume = false,
  }: RunFlowParameters): Promise<FlowState> => {
    if (active.has(jobId)) throw new Error(`flow ${jobId} is already running in this runtime`);
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
    const n = names(jobId);
    const groups = groupOperations(definition.ops);
    const state: FlowState = {
      status: 'running',
      startTime: now(),
      endTime: null,
      opStates: definition.ops.map((op) => ({
        providerId: null,
        operationId: op.id,
        group: op.execution?.group ?? op.id,
        status: 'pending' as OpStatus,
        startTime: null,
        endTime: null,
        exitCode: null,
        logs: [],
      })),
    };
    const byId = new Map(
      definition.ops.map((op, index) => [op.id, { op, index, opState: state.opStates[index]! }]),
    );
    const hydration: HydrationContext = {
      globals,
      ...(definition.global?.variables ? { variables: definition.global.variables } : {}),
      ops: {},
    };
    const setStatus = (
      opState: OpState,
      status: OpStatus,
      extra: { exitCode?: number | null; error?: string } = {},
    ) => {
      opState.status = status;
      emit({ type: 'op-status', jobId, opId: opState.operationId, status, ...extra });
    };
    /** Settles when an op is final (or, for a service, running and ONLINE): resolves true when dependents may start. */
    const ready = new Map<string, { promise: Promise<boolean>; resolve: (ok: boolean) => void }>();
    for (const op of definition.ops) {
      let resolve!: (ok: boolean) => void;
      const promise = new Promise<boolean>((r) => {
        resolve = r;
      });
      ready.set(op.id, { promise, resolve });
    }

    let network: string | undefined;
    /** The job's own network (DNS aliases between its ops), not the engine's default bridge. */
    let ownNetwork = false;
    const runOps = definition.ops.filter((op): op is ContainerRunOperation => op.type === 'container/run');
    try {
      if (runOps.length === 1 && egress && (await defaultBridgeIsolated())) {
        network = 'bridge';
      } else if (runOps.length > 0) {
        await engine
          .createNetwork(n.network, { labels: labelsOf(jobId), internal: !egress })
          .catch((error) => {
            if (!(resume && (error as { statusCode?: number }).statusCode === 409)) throw error;
          });
        network = n.network;
        ownNetwork = true;
      }
      let failedGroup: string | undefined;
      for (const group of groups) {
        if (failedGroup || controller.signal.aborted) {
          for (const op of group.ops) {
            const entry = byId.get(op.id)!;
            entry.opState.error = {
              event: 'skipped',
              message: failedGroup
                ? `not run: group "${failedGroup}" did not succeed`
                : 'not run: the flow was stopped',
            };
            setStatus(entry.opState, 'stopped');
            ready.get(op.id)!.resolve(false);
          }
          continue;
        }
        await Promise.all(group.ops.map((op) => runOperation(op)));
        if (group.ops.some((op) => byId.get(op.id)!.opState.status !== 'success')) failedGroup = group.name;
      }
    } catch (error) {
      state.errors = [
        ...(state.errors ?? []),
        { message: (error as Error).message, ...(isNosanaError(error) ? { code: error.code } : {}) },
      ];
      for (const opState of state.opStates)
        if (!isFinalOpStatus(opState.status)) setStatus(opState, 'failed');
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      await reap(jobId).catch(() => undefined);
      active.delete(jobId);
    }
    state.status = state.errors?.length ? 'failed' : flowStatusOf(state.opStates);
    state.endTime = now();
    emit({ type: 'flow-finished', jobId, state });
    return state;

    async function runOperation(op: Operation): Promise<void> {
      const { index, opState } = byId.get(op.id)!;
      const done = ready.get(op.id)!;
      const dependencies = op.execution?.depends_on ?? [];
      const depsOk = (
        await Promise.all(dependencies.map((d) => ready.get(d)?.promise ?? Promise.resolve(false)))
      ).every(Boolean);
      if (!depsOk || controller.signal.aborted) {
        opState.error = {
          event: 'skipped',
          message: controller.signal.aborted
            ? 'not run: the flow was stopped'
            : `not run: a dependency (${dependencies.join(', ')}) did not succeed`,
        };
        setStatus(opState, 'stopped');
        done.resolve(false);
        return;
      }
      opState.startTime = now();
      if (op.type === 'container/create-volume') {
        try {
          await engine.createVolume(n.volume(op.args.name), labelsOf(jobId, op.id)).catch((error) => {
            if (!(resume && (error as { statusCode?: number }).statusCode === 409)) throw error;
          });
          opState.endTime = now();
          setStatus(opState, 'success');
          done.resolve(true);
        } catch (error) {
          fail(opState, 'create-volume', error);
          done.resolve(false);
        }
        return;
      }
      await runContainer(op, index, opState, done.resolve);
    }

    function fail(opState: OpState, event: string, error: unknown): void {
      opState.error = {
        event,
        message: (error as Error).message,
        ...(isNosanaError(error) ? { code: error.code } : {}),
      };
      opState.endTime = now();
      setStatus(opState, 'failed', { error: opState.error.message });
    }

    async function runContainer(
      op: ContainerRunOperation,
      index: number,
      opState: OpState,
      markReady: (ok: boolean) => void,
    ): Promise<void> {
      const logs = createLogCollector({ maxLines: maxLogLines, now });
      const opStop = new AbortController();
      const stopOp = () => opStop.abort(controller.signal.reason ?? 'stopped');
      controller.signal.addEventListener('abort', stopOp, { once: true });
      // stop_if_dependent_stops: when a dependency ends badly while this op runs, stop it too.
      if (op.execution?.stop_if_dependent_stops) {
        for (const dependency of op.execution.depends_on ?? []) {
          const watched = byId.get(dependency)!.opState;
          const poll = setInterval(() => {
            if (watched.status === 'failed' || watched.status === 'stopped') {
              clearInterval(poll);
              opStop.abort('stopped');
            }
            if (opStop.signal.aborted || isFinalOpStatus(opState.status)) clearInterval(poll);
          }, 250);
          poll.unref();
        }
      }
      const endpointWatch = new AbortController();
      let containerId: string | undefined;
      let readyMarked = false;
      const markOnce = (ok: boolean) => {
        if (!readyMarked) {
          readyMarked = true;
          markReady(ok);
        }
      };
      try {
        const hydrated = hydrateOperation(op, hydration);
        const args = hydrated.args;
        const global = definition.global ?? {};
        const image = args.image ?? global.image!;
        const wantsGpu = args.gpu ?? global.gpu ?? false;
        if (wantsGpu && parameters.gpus === 'none') {
          throw new NosanaError(
            'RUNTIME__GPU_UNAVAILABLE',
            `op "${op.id}" needs a GPU and this host offers none — run it on a GPU host, or set "gpu": false`,
            { engine: 'none', reason: 'no GPU configured' },
          );
        }
        const ports = exposedPorts(args.expose);
        const name = n.container(index);
        const existing = resume ? await engine.inspectContainer(name).catch(() => undefined) : undefined;
        if (existing) {
          containerId = existing.id;
        } else {
          if (!(await engine.imageExists(image))) {
            setStatus(opState, 'pulling');
            await engine.pullImage(image, {
              ...(args.authentication?.docker ? { auth: args.authentication.docker } : {}),
              onProgress: (progress) => emit({ type: 'pull', jobId, opId: op.id, progress }),
              signal: opStop.signal,
            });
          }
          setStatus(opState, 'starting');
          const host = dnsName(op.id);
          const aliases = [
            host,
            ...(args.aliases === undefined
              ? []
              : Array.isArray(args.aliases)
                ? args.aliases
                : [args.aliases]),
          ];
          const restart = args.restart_policy;
          const entrypoint = toArgv(args.entrypoint ?? global.entrypoint);
          const cmd = toArgv(args.cmd);
          containerId = await engine.createContainer({
            name,
            image,
            ...(cmd ? { cmd } : {}),
            ...(entrypoint ? { entrypoint } : {}),
            env: { ...global.env, ...args.env, NOSANA_ID: jobId },
            ...((args.work_dir ?? global.work_dir) ? { workDir: args.work_dir ?? global.work_dir! } : {}),
            labels: labelsOf(jobId, op.id),
            volumes: (args.volumes ?? []).map((v) => ({ name: n.volume(v.name), dest: v.dest })),
            ports,
            ...(network ? { network, ...(ownNetwork ? { aliases } : {}) } : {}),
            ...(wantsGpu
              ? { gpu: parameters.gpus && parameters.gpus !== 'none' ? parameters.gpus : { all: true } }
              : {}),
            limits,
            ...(restart === undefined
              ? {}
              : {
                  restart:
                    typeof restart === 'string'
                      ? { policy: restart === 'always' ? 'unless-stopped' : restart }
                      : {
                          policy: 'on-failure',
                          ...(restart.restart_tries === undefined
                            ? {}
                            : { maxRetries: restart.restart_tries }),
                        },
                }),
            logLimit,
            capAdd: capabilities,
          });
          opState.providerId = containerId;
          for (const [i, resource] of (args.resources ?? []).entries()) {
            if (typeof resource !== 'object' || '__spread__' in resource) continue;
            const downloaded = await downloadResource(resource, op.id, {
              ...parameters.downloads,
              signal: opStop.signal,
            });
            try {
              // Copied from the root so missing parent directories are created by the archive itself.
              const root = downloaded.directory.replace(/^\/+/, '');
              await engine.putFiles(
                containerId,
                '/',
                downloaded.files.map((f) => ({ ...f, name: root ? `${root}/${f.name}` : f.name })),
              );
            } catch (error) {
              throw new NosanaError(
                'RUNTIME__RESOURCE_FAILED',
                `op "${op.id}": resource ${i} could not be copied into the container: ${(error as Error).message}`,
                { op: op.id, resource: String(i), reason: (error as Error).message },
                { cause: error },
              );
            } finally {
              downloaded.cleanup();
            }
          }
        }
        opState.providerId = containerId;
        hydration.ops[op.id] = { host: dnsName(op.id), results: {} };

        let exited: Promise<{ exitCode: number }>;
        const before = await engine.inspectContainer(containerId);
        if (before.running || before.restarting) {
          exited = engine.waitContainer(containerId);
        } else if (existing && before.finishedAt && !before.finishedAt.startsWith('0001')) {
          exited = Promise.resolve({ exitCode: before.exitCode });
        } else {
          try {
            ({ exited } = await engine.startContainer(containerId));
          } catch (error) {
            const message =
              (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
            if (/could not select device driver|nvidia|CDI/i.test(message)) {
              const kind = (await engine.info().catch(() => undefined))?.kind ?? 'unknown';
              throw new NosanaError(
                'RUNTIME__GPU_UNAVAILABLE',
                `op "${op.id}" needs a GPU but the engine cannot provide one: ${message} — install the NVIDIA Container Toolkit (Docker) or generate a CDI spec (Podman)`,
                { engine: kind, reason: message },
                { cause: error },
              );
            }
            throw new NosanaError(
              'RUNTIME__CONTAINER_FAILED',
              `op "${op.id}" could not start: ${message}`,
              { op: op.id, reason: message },
              { cause: error },
            );
          }
        }
        opState.startTime ??= now();
        setStatus(opState, 'running');

        // Logs: followed from the start (so a resumed flow gets them all), capped, streamed as events.
        let finalised = false;
        const cursor = createLogCursor();
        const logStop = new AbortController();
        const logSignal = AbortSignal.any([opStop.signal, logStop.signal]);
        const take = (line: ContainerLogLine) => {
          const entry: LogEntry = { type: line.stream, log: line.line, timestamp: line.timestamp };
          logs.push(entry);
          emit({ type: 'log', jobId, opId: op.id, entry });
        };
        /** Reads from the cursor on; a followed stream ends when the container stops (or is cut). */
        const read = async (follow: boolean, signal: AbortSignal) => {
          const since = cursor.since;
          const isNew = cursor.begin();
          for await (const line of engine.logs(containerId!, {
            follow,
            signal,
            ...(since === undefined ? {} : { since }),
          }))
            if (isNew(line)) take(line);
        };
        const follow = (async () => {
          // Re-attach after restarts until the op is final.
          while (true) {
            await read(true, logSignal);
            if (finalised || logSignal.aborted) return;
            const current = await engine.inspectContainer(containerId!);
            if (!current.running && !current.restarting) return;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })().catch(() => undefined);

        // Services: published ports, endpoints and health.
        const running = await engine.inspectContainer(containerId);
        const endpointStates: NonNullable<OpState['endpoints']> = [];
        const checksByPort = healthChecksByPort(args.expose);
        const isService = ports.length > 0;
        for (const port of ports) {
          const hostPort = running.ports[port];
          if (!hostPort) continue;
          const websocket = typeOfPort(args.expose, port) === 'websocket';
          const endpoint = {
            port,
            url: `${websocket ? 'ws' : 'http'}://127.0.0.1:${hostPort}`,
            status: 'UNKNOWN' as EndpointStatus,
          };
          endpointStates.push(endpoint);
          const known = hydration.ops[op.id]!;
          known.endpoints = { ...known.endpoints, [String(port)]: endpoint.url };
          void watchEndpoint({
            port: hostPort,
            checks: checksByPort.get(port) ?? [],
            signal: endpointWatch.signal,
            ...(parameters.health?.startupIntervalMs
              ? { startupIntervalMs: parameters.health.startupIntervalMs }
              : {}),
            ...(parameters.health?.continuousIntervalMs
              ? { continuousIntervalMs: parameters.health.continuousIntervalMs }
              : {}),
            onStatus: (status) => {
              endpoint.status = status;
              emit({ type: 'endpoint', jobId, opId: op.id, port, url: endpoint.url, status });
              if (status === 'ONLINE' && endpointStates.every((e) => e.status === 'ONLINE')) markOnce(true);
            },
          });
        }
        if (endpointStates.length > 0) opState.endpoints = endpointStates;

        // Wait for the final exit (restart policies may restart it), or a stop.
        let stopReason: StopReason | undefined;
        while (true) {
          const outcome = await Promise.race([
            exited.then((r) => ({ kind: 'exit' as const, ...r })),
            new Promise<{ kind: 'stop' }>((resolve) => {
              if (opStop.signal.aborted) resolve({ kind: 'stop' });
              opStop.signal.addEventListener('abort', () => resolve({ kind: 'stop' }), { once: true });
            }),
          ]);
          if (outcome.kind === 'stop') {
            stopReason = (opStop.signal.reason as StopReason) ?? 'stopped';
            setStatus(opState, 'stopping');
            await engine.stopContainer(containerId, grace);
            break;
          }
          const after = await engine.inspectContainer(containerId);
          if (after.running || after.restarting) {
            setStatus(opState, 'restarting');
            exited = engine.waitContainer(containerId);
            continue;
          }
          break;
        }
        endpointWatch.abort();
        const final = await engine.inspectContainer(containerId);
        finalised = true;
        // Docker ends a followed log as the container exits; Podman only ~300 ms later, and a stop cuts it. Then
        // the stream is cut and the rest read without following.
        const ended = await Promise.race([
          follow.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 25)),
        ]);
        if (!ended || opStop.signal.aborted) {
          logStop.abort();
          await Promise.race([follow, new Promise((resolve) => setTimeout(resolve, 2000))]);
          await read(false, AbortSignal.timeout(10_000)).catch(() => undefined);
        }
        opState.exitCode = final.exitCode;
        opState.logs = logs.entries();
        if (logs.dropped > 0) opState.logsTruncated = true;
        opState.results = op.results ? extractResults(op.results, opState.logs) : undefined;
        if (!opState.results) delete opState.results;
        hydration.ops[op.id]!.results = opState.results ?? {};
        opState.endTime = now();
        opState.diagnostics = {
          state: {
            Status: final.status,
            OOMKilled: final.oomKilled,
            ExitCode: final.exitCode,
            Error: final.error,
            ...(final.startedAt ? { StartedAt: final.startedAt } : {}),
            ...(final.finishedAt ? { FinishedAt: final.finishedAt } : {}),
            RestartCount: final.restartCount,
          },
          ...(stopReason
            ? {
                reason: {
                  jobStopped: stopReason === 'stopped',
                  jobExpired: stopReason === 'expired',
                  hostShutDown: stopReason === 'shutdown',
                  reason: stopReason,
                },
              }
            : {}),
        };
        if (final.oomKilled || (final.exitCode === 137 && !stopReason && limits.memoryBytes)) {
          opState.error = {
            event: 'oom',
            message: `op "${op.id}" ran out of memory (limit ${limits.memoryBytes} bytes)`,
          };
        } else if (!stopReason) {
          const unrunnable = unrunnableCommand(final.exitCode, opState.logs);
          if (unrunnable) {
            const what = unrunnable === 'missing' ? 'was not found in the image' : 'is not executable';
            opState.error = {
              event: 'exit',
              message: `op "${op.id}": the command ${what} (exit ${final.exitCode}) — check cmd/entrypoint and the image`,
            };
          }
        }
        // A service reaching the deadline did its job (it serves until then); a batch op cut short did not.
        const status: OpStatus = stopReason
          ? stopReason === 'expired' && isService
            ? 'success'
            : 'stopped'
          : final.exitCode === 0
            ? 'success'
            : 'failed';
        setStatus(opState, status, { exitCode: final.exitCode });
        markOnce(status === 'success');
      } catch (error) {
        endpointWatch.abort();
        opState.logs = logs.entries();
        fail(
          opState,
          isNosanaError(error, 'CORE__LITERAL_UNRESOLVED')
            ? 'hydration'
            : isNosanaError(error, 'RUNTIME__IMAGE_PULL_FAILED')
              ? 'pull'
              : 'container',
          error,
        );
        markOnce(false);
      } finally {
        controller.signal.removeEventListener('abort', stopOp);
      }
    }
  };

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

/**
 * Whether an exit means the command could not be run at all. Docker's init (tini) exits 127/126 like a shell;
 * Podman's (catatonit) exits 1 after printing `failed to exec pid1: <errno text>` on stderr.
 */
function unrunnableCommand(exitCode: number, logs: LogEntry[]): 'missing' | 'not-executable' | undefined {
  if (exitCode === 127) return 'missing';
  if (exitCode === 126) return 'not-executable';
  if (exitCode !== 1) return undefined;
  const failed = logs.find(
    (l) => l.type === 'stderr' && /\(catatonit:\d+\): failed to exec pid1: /.test(l.log),
  );
  if (!failed) return undefined;
  if (/No such file or directory/.test(failed.log)) return 'missing';
  if (/Permission denied/.test(failed.log)) return 'not-executable';
  return undefined;
}

/** Concrete container ports of an (already hydrated) `expose`. */
export function exposedPorts(expose: ContainerRunOperation['args']['expose']): number[] {
  if (expose === undefined) return [];
  const items: unknown[] = Array.isArray(expose) ? expose : [expose];
  const out = new Set<number>();
  for (const item of items) {
    const port =
      typeof item === 'object' && item !== null && 'port' in item ? (item as { port: unknown }).port : item;
    if (typeof port === 'number') out.add(port);
    else if (typeof port === 'string' && /^\d+-\d+$/.test(port)) {
      const [start, end] = port.split('-').map(Number) as [number, number];
      for (let p = start; p <= end; p++) out.add(p);
    } else if (typeof port === 'string' && /^\d+$/.test(port)) out.add(Number(port));
  }
  return [...out];
}

function healthChecksByPort(expose: ContainerRunOperation['args']['expose']) {
  const map = new Map<number, NonNullable<Extract<ExposeItem, { port: unknown }>['health_checks']>>();
  for (const item of Array.isArray(expose) ? expose : expose === undefined ? [] : [expose]) {
    if (
      typeof item === 'object' &&
      item !== null &&
      'port' in item &&
      typeof item.port === 'number' &&
      item.health_checks
    )
      map.set(item.port, item.health_checks);
  }
  return map;
}

function typeOfPort(expose: ContainerRunOperation['args']['expose'], port: number): string | undefined {
  for (const item of Array.isArray(expose) ? expose : expose === undefined ? [] : [expose]) {
    if (typeof item === 'object' && item !== null && 'port' in item && item.port === port) return item.type;
  }
  return undefined;
}
