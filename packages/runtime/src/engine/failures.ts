/**
 * How the engine adapter turns dockerode's HTTP failures (a `statusCode` and a `json.message`) into coded
 * `NosanaError`s, so nothing above the adapter looks at HTTP details.
 */
import { NosanaError } from '@nosana/core';
import '../errors.js';

/** The HTTP status of a dockerode failure, if any. */
export const statusOf = (error: unknown): number | undefined =>
  (error as { statusCode?: number } | undefined)?.statusCode;

/** The engine's own message of a dockerode failure (its JSON body), else the error's message. */
export const messageOf = (error: unknown): string => {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  return json?.message ?? (error as Error | undefined)?.message ?? String(error);
};

/**
 * Whether a failure means "that name is in use": Docker answers 409 Conflict; Podman's compat API answers 500
 * with "already exists / in use".
 */
export const isConflict = (error: unknown): boolean =>
  statusOf(error) === 409 ||
  (statusOf(error) === 500 && /already (exists|in use|used)/i.test(messageOf(error)));

/**
 * A coded error for a failed engine request: `RUNTIME__ENGINE_CONFLICT` for a name in use, else
 * `RUNTIME__ENGINE_REQUEST_FAILED`.
 *
 * @example
 * ```ts
 * await docker.createNetwork(options).catch((error) => { throw engineFailure('create network', name, error, 'network'); });
 * ```
 */
export function engineFailure(
  operation: string,
  target: string,
  error: unknown,
  kind?: 'container' | 'network' | 'volume',
): NosanaError {
  if (kind && isConflict(error))
    return new NosanaError(
      'RUNTIME__ENGINE_CONFLICT',
      `cannot ${operation} ${target}: a ${kind} of that name exists already — remove it (nosana node prune) or use another job id`,
      { kind, name: target },
      { cause: error },
    );
  const reason = messageOf(error);
  return new NosanaError(
    'RUNTIME__ENGINE_REQUEST_FAILED',
    `the container engine failed to ${operation} ${target}: ${reason}`,
    { operation, target, status: statusOf(error) ?? null, reason },
    { cause: error },
  );
}

/**
 * The coded error for a container that would not start: `RUNTIME__GPU_UNAVAILABLE` when the engine cannot give it
 * its GPU (Docker: no nvidia device driver; Podman: unresolvable CDI devices), else `RUNTIME__ENGINE_REQUEST_FAILED`.
 *
 * @example
 * ```ts
 * await container.start().catch((error) => { throw startFailure(id, error, 'docker'); });
 * ```
 */
export function startFailure(id: string, error: unknown, engine: string): NosanaError {
  const reason = messageOf(error);
  if (/could not select device driver|nvidia|CDI/i.test(reason))
    return new NosanaError(
      'RUNTIME__GPU_UNAVAILABLE',
      `the engine cannot give container ${id} its GPU: ${reason} — install the NVIDIA Container Toolkit (Docker) or generate a CDI spec (Podman)`,
      { engine, reason },
      { cause: error },
    );
  return engineFailure('start container', id, error);
}
