/** The manager's one way to wait: a delay that ends early, without throwing, when its signal aborts. */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves after `ms`, or as soon as `signal` aborts (never rejects).
 *
 * @example
 * ```ts
 * await pause(5_000, stop.signal);
 * ```
 */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}
