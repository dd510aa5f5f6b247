/**
 * Health probes of an exposed service, run by the gateway through the host's tunnel — the same path public
 * requests take, so a passing probe means the URL works. The checks come from the job definition (via the
 * chain reader), never from the host.
 */
import { request } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HealthCheck } from '@nosana/core';

/** Opens a byte stream to the service (a CONNECT stream of the tunnel). */
export type OpenStream = () => Promise<Duplex>;

/**
 * Runs the checks once: every HTTP check must answer its expected status; with no HTTP check, the service must
 * accept a connection. (WebSocket checks are run as connection checks.) Resolves with the failure reason, or
 * null when healthy.
 *
 * @example
 * ```ts
 * const failure = await probe(() => session.open(ref), policy.healthChecks, 5_000);
 * ```
 */
export async function probe(
  open: OpenStream,
  checks: HealthCheck[],
  timeoutMs: number,
): Promise<string | null> {
  const http = checks.filter((c) => c.type === 'http');
  try {
    if (http.length === 0) {
      const stream = await withTimeout(open(), timeoutMs);
      stream.end();
      return null;
    }
    for (const check of http) {
      const status = await withTimeout(httpStatus(open, check), timeoutMs);
      if (status !== check.expected_status)
        return `${check.method} ${check.path} answered ${status}, expected ${check.expected_status}`;
    }
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function httpStatus(open: OpenStream, check: Extract<HealthCheck, { type: 'http' }>): Promise<number> {
  const stream = await open();
  const body = check.body === undefined ? undefined : JSON.stringify(check.body);
  return new Promise((resolve, reject) => {
    const req = request({
      createConnection: () => stream as never,
      method: check.method,
      path: check.path,
      headers: {
        host: 'localhost',
        ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        ...check.headers,
        connection: 'close',
      },
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
      stream.end();
    });
    req.on('error', (error) => {
      stream.destroy();
      reject(error);
    });
    req.end(body);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
