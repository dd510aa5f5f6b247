/**
 * Aligned tables and `label: value` lines, given the colorizer to use: oclif's `ux.colorize` in commands
 * (output.ts), the start-up fast path's own (the same two libraries decide) where oclif is not loaded.
 */

/** Colors text: `(color, text) => text` when color is off. */
export type Colorize = (color: string, text: string) => string;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what we strip.
const ANSI = /\u001b\[[0-9;]*m/g;
const width = (text: string) => text.replace(ANSI, '').length;

/** A column of {@link renderTable}. */
export interface Column<T> {
  header: string;
  get: (row: T) => string;
  align?: 'left' | 'right';
}

/**
 * Renders rows as an aligned table with a bold header (colors are kept, and ignored for widths).
 *
 * @example
 * ```ts
 * renderTable([{ a: 1 }], [{ header: 'A', get: (r) => String(r.a) }], (_, text) => text); // 'A\n1'
 * ```
 */
export function renderTable<T>(rows: T[], columns: Array<Column<T>>, colorize: Colorize): string {
  const cells = rows.map((row) => columns.map((c) => c.get(row)));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => width(r[i]!))));
  const pad = (text: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - width(text));
    return columns[i]!.align === 'right' ? fill + text : text + fill;
  };
  const header = colorize(
    'bold',
    columns
      .map((c, i) => pad(c.header, i))
      .join('  ')
      .trimEnd(),
  );
  return [header, ...cells.map((r) => r.map(pad).join('  ').trimEnd())].join('\n');
}

/**
 * `label: value` lines with aligned values (labels dimmed; entries without a value are left out).
 *
 * @example
 * ```ts
 * renderDetails([['job', address], ['node', undefined]], (_, text) => text); // 'job: <address>'
 * ```
 */
export function renderDetails(entries: Array<[string, string | undefined]>, colorize: Colorize): string {
  const shown = entries.filter((e): e is [string, string] => e[1] !== undefined);
  const labelWidth = Math.max(...shown.map(([label]) => label.length));
  return shown
    .map(([label, value]) => `${colorize('dim', `${label}:`.padEnd(labelWidth + 1))} ${value}`)
    .join('\n');
}

const STATE_COLORS: Record<string, string> = {
  QUEUED: 'yellow',
  RUNNING: 'cyan',
  COMPLETED: 'green',
  STOPPED: 'red',
  FAILED: 'red',
  success: 'green',
  failed: 'red',
  stopped: 'red',
  'validation-error': 'red',
};

/**
 * A job state or flow status, colored by what it means.
 *
 * @example
 * ```ts
 * renderState('COMPLETED', ux.colorize); // green
 * ```
 */
export const renderState = (text: string, colorize: Colorize): string =>
  colorize(STATE_COLORS[text] ?? 'reset', text);

/**
 * Seconds as `1h 02m 03s`.
 *
 * @example
 * ```ts
 * formatSeconds(3723); // '1h 02m 03s'
 * ```
 */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m ${String(rest).padStart(2, '0')}s`;
  if (m > 0) return `${m}m ${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}
