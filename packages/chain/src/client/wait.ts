/**
 * Waiting for a condition on chain: react to notifications (account or program subscriptions) and poll as a
 * fallback, abortable, with an optional deadline. The clock is passed in so tests drive it.
 */
import { NosanaError } from '@nosana/core';
import '../errors.js';

/** Timers {@link waitUntil} uses; default the global ones. */
export interface WaitClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: WaitClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Options of {@link waitUntil}. */
export interface WaitUntilOptions {
  /** Stops the wait: it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Check again after this long without a notification. Default 2000 ms. */
  pollMs?: number;
  /** Give up after this long with `CHAIN__WAIT_TIMEOUT`. Default: wait forever. */
  timeoutMs?: number;
  /** Default: the system clock. */
  clock?: WaitClock;
}

/**
 * Subscribes to notifications: calls `notify` whenever something may have changed; returns an unsubscribe function.
 */
export type WaitSubscribe = (notify: () => void) => () => void;

/**
 * Resolves with the first value `check` returns that is not `undefined`. `check` runs once at once, then after
 * every notification from `subscribe` and at least every `pollMs`. A notification that arrives while `check`
 * runs triggers another check at once. Unsubscribes however it ends. Rejects with the signal's reason when
 * aborted, with `CHAIN__WAIT_TIMEOUT` after `timeoutMs`, and with whatever `check` throws.
 *
 * @example
 * ```ts
 * const run = await waitUntil(
 *   (notify) => client.subscribeJobsProgram(notify),
 *   async () => (await client.host.runs())[0],
 *   { signal, pollMs: 5000 },
 * );
 * ```
 */
export async function waitUntil<T>(
  subscribe: WaitSubscribe,
  check: () => Promise<T | undefined> | T | undefined,
  { signal, pollMs = 2000, timeoutMs, clock = systemClock }: WaitUntilOptions = {},
): Promise<T> {
  signal?.throwIfAborted();
  let notified = false;
  let wake: (() => void) | undefined;
  const unsubscribe = subscribe(() => {
    notified = true;
    wake?.();
  });
  const deadline = timeoutMs === undefined ? undefined : clock.now() + timeoutMs;
  try {
    while (true) {
      notified = false;
      const value = await check();
      if (value !== undefined) return value;
      signal?.throwIfAborted();
      if (deadline !== undefined && clock.now() >= deadline) {
        throw new NosanaError(
          'CHAIN__WAIT_TIMEOUT',
          `the condition did not hold within ${timeoutMs} ms — wait longer (timeoutMs) or check that the network is progressing`,
          { timeoutMs: timeoutMs as number },
        );
      }
      if (notified) continue;
      const delay = deadline === undefined ? pollMs : Math.min(pollMs, deadline - clock.now());
      await new Promise<void>((resolve) => {
        const done = () => {
          clock.clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        const timer = clock.setTimeout(done, delay);
        wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
      signal?.throwIfAborted();
    }
  } finally {
    unsubscribe();
  }
}
