import { connect } from 'node:net';
import type { EndpointStatus, HealthCheck } from '@nosana/core';
import WebSocket from 'ws';

/**
 * Probes a published port once: the HTTP or WebSocket health check when given, else a TCP connection.
 *
 * @example
 * ```ts
 * await probe(8080, { type: 'http', path: '/health', method: 'GET', expected_status: 200 }); // true when healthy
 * ```
 */
export async function probe(
  port: number,
  check: HealthCheck | undefined,
  timeoutMs = 5000,
): Promise<boolean> {
  if (!check) {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
  }
  if (check.type === 'http') {
    try {
      const body =
        check.body === undefined
          ? undefined
          : typeof check.body === 'string'
            ? check.body
            : JSON.stringify(check.body);
      const response = await fetch(`http://127.0.0.1:${port}${check.path}`, {
        method: check.method,
        ...(check.headers ? { headers: check.headers } : {}),
        ...(body !== undefined && check.method !== 'GET' ? { body } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return response.status === check.expected_status;
    } catch {
      return false;
    }
  }
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    const done = (healthy: boolean) => {
      clearTimeout(timer);
      socket.terminate();
      resolve(healthy);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('message', (data) => done(data.toString() === check.expected_response));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Parameters of {@link watchEndpoint}. */
export interface WatchEndpointParameters {
  port: number;
  checks: HealthCheck[];
  onStatus(status: EndpointStatus): void;
  signal: AbortSignal;
  /** Between start-up probes. Default 5 s (like the real node). */
  startupIntervalMs?: number;
  /** Between continuous probes. Default 30 s. */
  continuousIntervalMs?: number;
}

/**
 * Watches an exposed port: start-up probes until every check passes (ONLINE), then — when a check is
 * continuous — keeps probing and reports OFFLINE/ONLINE changes. Ends when `signal` aborts.
 */
export async function watchEndpoint({
  port,
  checks,
  onStatus,
  signal,
  startupIntervalMs = 5000,
  continuousIntervalMs = 30_000,
}: WatchEndpointParameters): Promise<void> {
  const all = async () =>
    checks.length === 0
      ? probe(port, undefined)
      : (await Promise.all(checks.map((c) => probe(port, c)))).every(Boolean);
  // One listener per wait, removed when the wait ends: a service probed every few seconds for hours must not
  // pile listeners onto the job's signal.
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  let status: EndpointStatus = 'UNKNOWN';
  const report = (next: EndpointStatus) => {
    if (next !== status && !signal.aborted) {
      status = next;
      onStatus(next);
    }
  };
  while (!signal.aborted) {
    if (await all()) {
      report('ONLINE');
      break;
    }
    await wait(startupIntervalMs);
  }
  const continuous = checks.length === 0 || checks.some((c) => c.continuous);
  while (continuous && !signal.aborted) {
    await wait(continuousIntervalMs);
    if (signal.aborted) break;
    report((await all()) ? 'ONLINE' : 'OFFLINE');
  }
}
