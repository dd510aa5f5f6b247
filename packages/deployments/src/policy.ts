/**
 * The timing rules of the strategies, as the Nosana deployment manager applies them. Pure functions of
 * seconds and milliseconds.
 *
 * @packageDocumentation
 */

/** A job ending earlier than this after it started counts as a rapid failure (seconds). */
export const RAPID_FAILURE_SECONDS = 5 * 60;
/** Rapid failures in a row before the fail-safe cools down. */
export const RAPID_FAILURE_STREAK = 3;
/** First and longest fail-safe cooldown (ms). */
export const COOLDOWN_MIN_MS = 60_000;
export const COOLDOWN_MAX_MS = 3_600_000;
/** How long a running job may stay unhealthy (offline) before it is replaced (ms). */
export const UNHEALTHY_GRACE_MS = 60_000;
/**
 * How long a running job may stay `starting` (its health checks never passed) before it is replaced (ms): long
 * enough for a model server to download and load its weights.
 */
export const STARTUP_GRACE_MS = 15 * 60_000;
/** INFINITE: the default rotation (seconds) and the shortest timeout it accepts. */
export const DEFAULT_ROTATION_SECONDS = 20 * 60;
export const INFINITE_MIN_TIMEOUT_SECONDS = 60 * 60;

/**
 * Seconds before a job's timeout at which SIMPLE-EXTEND extends it: 10 % of the timeout, clamped to 60–300 s.
 *
 * @example
 * ```ts
 * extendMargin(3600); // 300
 * extendMargin(1200); // 120
 * extendMargin(300); // 60
 * ```
 */
export function extendMargin(timeout: number): number {
  return Math.min(300, Math.max(60, Math.floor(timeout / 10)));
}

/**
 * When (ms) a running job should be extended: `timeStart + timeout − extendMargin(timeout)`.
 *
 * @example
 * ```ts
 * extendAt({ timeStart: 1000, timeout: 3600 }); // (1000 + 3600 - 300) * 1000
 * ```
 */
export function extendAt(job: { timeStart: number; timeout: number }): number {
  return (job.timeStart + job.timeout - extendMargin(job.timeout)) * 1000;
}

/**
 * When (ms) INFINITE lists a running job's replacement: `rotation` seconds before it expires.
 *
 * @example
 * ```ts
 * rotateAt({ timeStart: 0, timeout: 3600 }, 1200); // 2_400_000
 * ```
 */
export function rotateAt(job: { timeStart: number; timeout: number }, rotation: number): number {
  return (job.timeStart + job.timeout - rotation) * 1000;
}

/**
 * The fail-safe cooldown after `streak` rapid failures in a row: none below 3, then 1 min doubling up to 1 h.
 *
 * @example
 * ```ts
 * cooldownMs(2); // 0
 * cooldownMs(3); // 60_000
 * cooldownMs(5); // 240_000
 * cooldownMs(20); // 3_600_000
 * ```
 */
export function cooldownMs(streak: number): number {
  if (streak < RAPID_FAILURE_STREAK) return 0;
  const exponent = Math.min(streak - RAPID_FAILURE_STREAK, 8);
  return Math.min(COOLDOWN_MAX_MS, COOLDOWN_MIN_MS * 2 ** exponent);
}
