/** The error of a server that could not listen for another reason than a taken port. */
import { NosanaError } from '@nosana/core';
import './errors.js';

/**
 * A listen error other than a taken port (a host that is not local, a privileged port).
 *
 * @example
 * ```ts
 * server.once('error', (error) => reject(listenFailed('127.0.0.1', 8899, error)));
 * ```
 */
export function listenFailed(
  host: string,
  port: number,
  cause: unknown,
): NosanaError<'LOCALNET__LISTEN_FAILED'> {
  return new NosanaError(
    'LOCALNET__LISTEN_FAILED',
    `could not listen on ${host}:${port}: ${(cause as Error).message} — check the host is an address of this machine and the port is ≥ 1024`,
    { host, port },
    { cause },
  );
}
