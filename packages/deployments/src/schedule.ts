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
 * The firings in `(after, now]`: the latest, and the earlier ones (oldest first, at most 1,000) — a manager that
 * was late or down decides which of those it still runs.
 *
 * @example
 * ```ts
 * dueFiring(parseSchedule('* * * * *'), t0, t0 + 120_000); // { firing: t0 + 120_000, earlier: [t0 + 60_000] }
 * ```
 */
export function dueFiring(
  schedule: Schedule,
  after: number,
  now: number,
): { firing: number | null; earlier: number[] } {
  const all: number[] = [];
  let count = 0;
  for (let t = schedule.nextAfter(after); t !== null && t <= now; t = schedule.nextAfter(t)) {
    all.push(t);
    if (all.length > 1001) all.shift();
    if (++count > 1_000_000) break;
  }
  const firing = all.pop() ?? null;
  return { firing, earlier: all };
}
