/**
 * The services an op exposes: which container ports it publishes, their health checks and types, and the
 * watchers that probe them from the host and report ONLINE/OFFLINE.
 */
import type { ContainerRunOperation, EndpointStatus, ExposeItem, HealthCheck, OpState } from '@nosana/core';
import { watchEndpoint } from './health.js';

type Expose = ContainerRunOperation['args']['expose'];

const itemsOf = (expose: Expose): unknown[] =>
  expose === undefined ? [] : Array.isArray(expose) ? expose : [expose];
const withPort = (item: unknown): item is Extract<ExposeItem, { port: unknown }> =>
  typeof item === 'object' && item !== null && 'port' in item;

/**
 * Concrete container ports of an (already hydrated) `expose`: numbers, `"8080"`, ranges `"9000-9002"`, and items
 * with a `port`, without duplicates.
 *
 * @example
 * ```ts
 * exposedPorts([8080, { port: '9000-9001' }]); // [8080, 9000, 9001]
 * ```
 */
export function exposedPorts(expose: Expose): number[] {
  const out = new Set<number>();
  for (const item of itemsOf(expose)) {
    const port = withPort(item) ? (item as { port: unknown }).port : item;
    if (typeof port === 'number') out.add(port);
    else if (typeof port === 'string' && /^\d+-\d+$/.test(port)) {
      const [start, end] = port.split('-').map(Number) as [number, number];
      for (let p = start; p <= end; p++) out.add(p);
    } else if (typeof port === 'string' && /^\d+$/.test(port)) out.add(Number(port));
  }
  return [...out];
}

/**
 * The health checks of each numeric port that has some.
 *
 * @example
 * ```ts
 * healthChecksByPort([{ port: 80, health_checks: [check] }]).get(80); // [check]
 * ```
 */
export function healthChecksByPort(expose: Expose): Map<number, HealthCheck[]> {
  const map = new Map<number, HealthCheck[]>();
  for (const item of itemsOf(expose))
    if (withPort(item) && typeof item.port === 'number' && item.health_checks)
      map.set(item.port, item.health_checks);
  return map;
}

/**
 * The declared service type of a port (`http`, `websocket`, …), if any.
 *
 * @example
 * ```ts
 * serviceTypeOf([{ port: 80, type: 'websocket' }], 80); // 'websocket'
 * ```
 */
export function serviceTypeOf(expose: Expose, port: number): string | undefined {
  for (const item of itemsOf(expose)) if (withPort(item) && item.port === port) return item.type;
  return undefined;
}

/** Parameters of {@link watchEndpoints}. */
export interface WatchEndpointsParameters {
  expose: Expose;
  /** The container ports published. */
  ports: number[];
  /** Host port per container port (from inspect). */
  hostPorts: Record<number, number>;
  signal: AbortSignal;
  health?: { startupIntervalMs?: number; continuousIntervalMs?: number };
  /** A port was published (`UNKNOWN`: not checked yet), or its status changed. */
  onStatus(endpoint: { port: number; url: string; status: EndpointStatus }): void;
  /** Every endpoint is ONLINE (called each time that becomes true). */
  onAllOnline(): void;
}

/**
 * Starts a health watcher per published port (URLs on 127.0.0.1, `ws://` for websocket services) and returns the
 * endpoint states they keep up to date.
 *
 * @example
 * ```ts
 * const endpoints = watchEndpoints({ expose: [8080], ports: [8080], hostPorts: { 8080: 32768 }, signal, onStatus, onAllOnline });
 * ```
 */
export function watchEndpoints({
  expose,
  ports,
  hostPorts,
  signal,
  health,
  onStatus,
  onAllOnline,
}: WatchEndpointsParameters): NonNullable<OpState['endpoints']> {
  const endpoints: NonNullable<OpState['endpoints']> = [];
  const checks = healthChecksByPort(expose);
  for (const port of ports) {
    const hostPort = hostPorts[port];
    if (!hostPort) continue;
    const scheme = serviceTypeOf(expose, port) === 'websocket' ? 'ws' : 'http';
    const endpoint = { port, url: `${scheme}://127.0.0.1:${hostPort}`, status: 'UNKNOWN' as EndpointStatus };
    endpoints.push(endpoint);
    // Published, not checked yet: reported at once, so a watcher knows the port before the first verdict (a
    // service found dead after a restart never reports ONLINE).
    onStatus({ port, url: endpoint.url, status: 'UNKNOWN' });
    void watchEndpoint({
      port: hostPort,
      checks: checks.get(port) ?? [],
      signal,
      ...(health?.startupIntervalMs ? { startupIntervalMs: health.startupIntervalMs } : {}),
      ...(health?.continuousIntervalMs ? { continuousIntervalMs: health.continuousIntervalMs } : {}),
      onStatus: (status) => {
        endpoint.status = status;
        onStatus({ port, url: endpoint.url, status });
        if (status === 'ONLINE' && endpoints.every((e) => e.status === 'ONLINE')) onAllOnline();
      },
    });
  }
  return endpoints;
}
