import { NosanaError } from './errors.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a duration into whole seconds: plain seconds (`"90"`), or amounts with units `s`, `m`, `h`, `d`
 * that may be combined (`"1h30m"`, `"2h"`, `"45s"`).
 *
 * @example
 * ```ts
 * parseDuration('1h30m'); // 5400
 * ```
 */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (Number.isSafeInteger(input) && input > 0) return input;
  } else {
    const text = input.trim().toLowerCase();
    if (/^\d+$/.test(text)) {
      const seconds = Number(text);
      if (Number.isSafeInteger(seconds) && seconds > 0) return seconds;
    } else if (/^(\d+[smhd])+$/.test(text)) {
      let seconds = 0;
      for (const [, amount, unit] of text.matchAll(/(\d+)([smhd])/g))
        seconds += Number(amount) * UNITS[unit!]!;
      if (Number.isSafeInteger(seconds) && seconds > 0) return seconds;
    }
  }
  throw new NosanaError(
    'CORE__INVALID_DURATION',
    `"${String(input)}" is not a duration — write seconds ("3600") or amounts with units s, m, h, d ("30m", "2h", "1h30m")`,
    { input: String(input) },
  );
}

/**
 * Formats seconds as a compact duration.
 *
 * @example
 * ```ts
 * formatDuration(5400); // '1h30m'
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0s';
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
