import { NosanaError } from '@nosana/core';
import { Cron } from 'croner';
import './errors.js';

/** A parsed cron schedule (UTC). */
export interface Schedule {
  expression: string;
  /** The first firing strictly after `after` (ms), or null when the expression never fires again. */
  nextAfter(after: number): number | null;
}

/**
 * Parses a cron expression (5 fields, or 6 with seconds first), evaluated in UTC.
 * Throws `DEPLOY__INVALID_SCHEDULE` with the parser's reason when it is not valid.
 *
 * @example
 * ```ts
 * parseSchedule('*\/10 * * * *').nextAfter(Date.parse('2026-01-01T00:05:00Z')); // 00:10:00
 * ```
 */
export function parseSchedule(expression: string): Schedule {
  let cron: Cron;
  try {
    cron = new Cron(expression, { paused: true, utcOffset: 0 });
  } catch (error) {
    throw new NosanaError(
      'DEPLOY__INVALID_SCHEDULE',
      `schedule "${expression}" is not a cron expression: ${(error as Error).message} — use 5 fields "minute hour day month weekday", e.g. "*/10 * * * *" (UTC)`,
      { schedule: expression },
      { cause: error },
    );
  }
  if (cron.nextRun(new Date(0)) === null) {
    throw new NosanaError(
      'DEPLOY__INVALID_SCHEDULE',
      `schedule "${expression}" never fires — check the day and month fields`,
      { schedule: expression },
    );
  }
  return {
    expression,
    nextAfter(after) {
      // croner's nextRun(d) returns the first firing strictly after d, at second resolution.
      const next = cron.nextRun(new Date(after));
      return next ? next.getTime() : null;
    },
  };
}

/**
 * The latest firing in `(after, now]`, and how many earlier ones in that window were skipped (a manager that was
 * down does not catch up on every missed firing: it runs the most recent one).
 *
 * @example
 * ```ts
 * dueFiring(parseSchedule('* * * * *'), t0, t0 + 60_000); // { firing: t0 + 60_000, skipped: 0 }
 * ```
 */
export function dueFiring(
  schedule: Schedule,
  after: number,
  now: number,
): { firing: number | null; skipped: number } {
  let firing: number | null = null;
  let skipped = -1;
  for (let t = schedule.nextAfter(after); t !== null && t <= now; t = schedule.nextAfter(t)) {
    firing = t;
    skipped++;
    if (skipped > 100_000) break;
  }
  return { firing, skipped: Math.max(0, skipped) };
}
