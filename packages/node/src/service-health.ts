/**
 * Health-metered service jobs: once a service op's port has passed its health checks, the node keeps probing it;
 * when it stays unhealthy longer than the grace period, the job is ended early (with its partial result) so the
 * poster stops paying for a dead endpoint. Time comes from the injected clock, probes from the injected function.
 */
import type { ContainerRunOperation, ExposeItem, HealthCheck, JobDefinition } from '@nosana/core';
import type { RuntimeEvent } from '@nosana/runtime';
import type { Clock } from './retry.js';

/** Default grace period: how long a service may stay unhealthy before its job is ended (as the real network's deployment manager). */
export const DEFAULT_SERVICE_GRACE_MS = 60_000;
/** Default time between the node's health probes of a running service. */
export const DEFAULT_SERVICE_PROBE_MS = 5_000;

/** Settings of health metering: `graceMs: 0` turns it off. */
export interface ServiceHealthSettings {
  /** How long a service may stay unhealthy before its job is ended. Default 60 s; 0 = never end a job for it. */
  graceMs?: number;
  /** Between probes of a service that came online. Default 5 s. */
  intervalMs?: number;
}

/** Probes a published port once with the port's health checks (all must pass; none: a TCP connection). */
export type ServiceProbe = (hostPort: number, checks: HealthCheck[]) => Promise<boolean>;

/** Why a job is ended for an unhealthy service. */
export interface UnhealthyVerdict {
  opId: string;
  port: number;
  /** Unix ms of the first failed probe of the unhealthy stretch. */
  since: number;
  /** How long it had been unhealthy when the verdict fell (≥ the grace period). */
  unhealthyMs: number;
  graceMs: number;
  /** The reason written into the result: `service unhealthy for 60 s`. */
  reason: string;
}

/** Parameters of {@link createHealthMeter}. */
export interface CreateHealthMeterParameters {
  graceMs: number;
}

/** The pure part of the metering: unhealthy stretches per endpoint and the verdict. */
export interface HealthMeter {
  /** Records a probe of `key` started at `at`; returns the verdict once it has been unhealthy for the grace period. */
  report(key: string, healthy: boolean, at: number): { since: number; unhealthyMs: number } | null;
  /** Forgets an endpoint (its op ended). */
  remove(key: string): void;
}

/**
 * Counts unhealthy stretches: the first failed probe starts one, a passing probe ends it; a stretch at least
 * `graceMs` long is a verdict.
 *
 * @example
 * ```ts
 * const meter = createHealthMeter({ graceMs: 60_000 });
 * meter.report('web:80', false, 0); // null
 * meter.report('web:80', false, 60_000); // { since: 0, unhealthyMs: 60000 }
 * ```
 */
export function createHealthMeter({ graceMs }: CreateHealthMeterParameters): HealthMeter {
  const since = new Map<string, number>();
  return {
    report(key, healthy, at) {
      if (healthy) {
        since.delete(key);
        return null;
      }
      const start = since.get(key) ?? at;
      since.set(key, start);
      return at - start >= graceMs ? { since: start, unhealthyMs: at - start } : null;
    },
    remove(key) {
      since.delete(key);
    },
  };
}

/** Parameters of {@link watchServiceHealth}. */
export interface WatchServiceHealthParameters {
  job: string;
  definition: JobDefinition;
  clock: Clock;
  probe: ServiceProbe;
  graceMs: number;
  intervalMs: number;
  /** Called once, with the first verdict; the watch has ended then. */
  onUnhealthy(verdict: UnhealthyVerdict): void;
  /**
   * Services (`<op>:<port>`) that came online before a restart of the node: metered from the moment their port is
   * published again, without waiting for a passing check (a service found dead after the restart never passes).
   */
  wasOnline?: ReadonlySet<string>;
  /** Called the first time a service comes online (to remember it across a restart). */
  onOnline?: (key: string) => void;
}

/** The health watch of one job's services. */
export interface ServiceHealthWatch {
  /** Feeds the job's runtime events: a port is watched from its first ONLINE until its op ends. */
  onRuntimeEvent(event: RuntimeEvent): void;
  /** Ends every probe loop. */
  close(): void;
}

const ENDING = new Set(['stopping', 'success', 'failed', 'stopped']);

/**
 * Watches a job's services: after a port first passes its health checks (the runtime's ONLINE) — or at once when
 * it is published again after a restart of the node and had come online before (`wasOnline`) — the node probes
 * it every `intervalMs` with the port's checks (continuous or not: a paid endpoint must stay alive). A stretch of
 * failures longer than `graceMs` calls `onUnhealthy` — at the first probe after the grace period, so within
 * grace + one interval of the first failure.
 *
 * @example
 * ```ts
 * const watch = watchServiceHealth({ job, definition, clock, probe, graceMs: 60_000, intervalMs: 5_000, onUnhealthy });
 * await runtime.runFlow({ ..., onEvent: (event) => watch.onRuntimeEvent(event) });
 * watch.close();
 * ```
 */
export function watchServiceHealth(parameters: WatchServiceHealthParameters): ServiceHealthWatch {
  const { job, definition, clock, probe, graceMs, intervalMs } = parameters;
  const meter = createHealthMeter({ graceMs });
  const loops = new Map<string, { opId: string; controller: AbortController }>();
  const online = new Set<string>();
  const ended = new AbortController();
  const seconds = (ms: number) => Math.floor(ms / 1000);

  const stop = (key: string) => {
    loops.get(key)?.controller.abort();
    loops.delete(key);
    meter.remove(key);
  };
  const close = () => {
    ended.abort();
    for (const key of [...loops.keys()]) stop(key);
  };

  const watch = async (opId: string, port: number, hostPort: number, signal: AbortSignal) => {
    const key = `${opId}:${port}`;
    const checks = healthChecksOf(definition, opId, port);
    while (!signal.aborted) {
      await clock.sleep(intervalMs, signal);
      if (signal.aborted) return;
      const at = clock.now();
      const healthy = await probe(hostPort, checks).catch(() => false);
      if (signal.aborted) return;
      const verdict = meter.report(key, healthy, at);
      if (!verdict) continue;
      close();
      parameters.onUnhealthy({
        opId,
        port,
        ...verdict,
        graceMs,
        reason: `service unhealthy for ${seconds(verdict.unhealthyMs)} s`,
      });
      return;
    }
  };

  return {
    onRuntimeEvent(event) {
      if (event.jobId !== job || ended.signal.aborted) return;
      const key = event.type === 'endpoint' ? `${event.opId}:${event.port}` : '';
      if (event.type === 'endpoint' && event.status === 'ONLINE' && !online.has(key)) {
        online.add(key);
        parameters.onOnline?.(key);
      }
      if (event.type === 'endpoint' && (event.status === 'ONLINE' || parameters.wasOnline?.has(key))) {
        const hostPort = Number(/^[a-z]+:\/\/127\.0\.0\.1:(\d+)/.exec(event.url)?.[1]);
        if (loops.has(key) || !Number.isInteger(hostPort)) return;
        const controller = new AbortController();
        loops.set(key, { opId: event.opId, controller });
        void watch(event.opId, event.port, hostPort, controller.signal);
      }
      if (event.type === 'op-status' && ENDING.has(event.status))
        for (const [key, loop] of [...loops]) if (loop.opId === event.opId) stop(key);
    },
    close,
  };
}

/** The health checks a definition declares for an op's port (none: the probe is a TCP connection). */
function healthChecksOf(definition: JobDefinition, opId: string, port: number): HealthCheck[] {
  const op = definition.ops.find((o) => o.id === opId);
  if (op?.type !== 'container/run') return [];
  const expose = (op as ContainerRunOperation).args.expose;
  const items: unknown[] = expose === undefined ? [] : Array.isArray(expose) ? expose : [expose];
  for (const item of items) {
    if (typeof item !== 'object' || item === null || !('port' in item)) continue;
    const entry = item as Extract<ExposeItem, { port: unknown }>;
    if (Number(entry.port) === port && entry.health_checks) return entry.health_checks;
  }
  return [];
}
