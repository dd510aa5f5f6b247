/**
 * Waiting and retrying with exponential backoff on an injected clock, so that unit tests drive time and an outage
 * (RPC, IPFS) turns into spaced retries instead of a hot loop.
 */
import { NosanaError } from '@nosana/core';
import './errors.js';

/** Time as the node sees it: wall clock in ms, and a sleep that an abort signal ends early. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The process clock (`Date.now` and timers). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Backoff settings: the first delay, the factor between delays and the longest delay. */
export interface Backoff {
  /** Default 500 ms. */
  initialMs?: number;
  /** Default 2. */
  factor?: number;
  /** Default 30 s. */
  maxMs?: number;
}

/** The delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, { initialMs = 500, factor = 2, maxMs = 30_000 }: Backoff = {}) {
  return Math.min(maxMs, initialMs * factor ** Math.max(0, attempt - 1));
}

/** Parameters of {@link retry}. */
export interface RetryParameters {
  /** What is retried, for messages (e.g. `pinning the result of <job>`). */
  operation: string;
  clock: Clock;
  backoff?: Backoff;
  /** Attempts in all (default: unlimited, until `signal` aborts). */
  attempts?: number;
  /** Errors for which retrying cannot help: thrown at once. */
  isFatal?: (error: unknown) => boolean;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Calls `task` until it succeeds, sleeping with exponential backoff between attempts. Throws the last error after
 * `attempts`, a fatal error at once, and `NODE__STOPPED` when an attempt failed and `signal` has aborted.
 *
 * @example
 * ```ts
 * const cid = await retry(() => chain.pinJson(result), { operation: 'pinning the result', clock: systemClock });
 * ```
 */
export async function retry<T>(task: () => Promise<T>, parameters: RetryParameters): Promise<T> {
  const { clock, signal, attempts = Number.POSITIVE_INFINITY } = parameters;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (parameters.isFatal?.(error) || attempt >= attempts) throw error;
      // The first attempt is always made (a stopping node still settles); retries end with the stop.
      if (signal?.aborted) throw stopped(parameters.operation, error);
      const delay = backoffDelay(attempt, parameters.backoff);
      parameters.onRetry?.(error, attempt, delay);
      await clock.sleep(delay, signal);
      if (signal?.aborted) throw stopped(parameters.operation, error);
    }
  }
}

/** The error of an operation cut short by a stop. */
export function stopped(operation: string, cause?: unknown): NosanaError<'NODE__STOPPED'> {
  return new NosanaError(
    'NODE__STOPPED',
    `${operation} was interrupted: the node is stopping (it resumes at the next start)`,
    { operation },
    cause === undefined ? {} : { cause },
  );
}
