/** Terminal output shared by the commands: tables, amounts, durations, states, and spinners only on a TTY. */
import { ux } from '@oclif/core';
import { type Column, renderDetails, renderState, renderTable } from './format.js';

/** Whether to draw spinners and live status lines: a terminal, not `--json`, not CI. */
export function interactive(json: boolean): boolean {
  return !json && Boolean(process.stderr.isTTY) && !process.env.CI;
}

/** A column of {@link table}. */
export type { Column } from './format.js';

/**
 * Renders rows as an aligned table with a header (colors are kept, and ignored for widths).
 *
 * @example
 * ```ts
 * table([{ a: 1 }], [{ header: 'A', get: (r) => String(r.a) }]);
 * ```
 */
export const table = <T>(rows: T[], columns: Array<Column<T>>): string =>
  renderTable(rows, columns, ux.colorize);

/** `label: value` lines with aligned values. */
export const details = (entries: Array<[string, string | undefined]>): string =>
  renderDetails(entries, ux.colorize);

export { formatSeconds } from './format.js';

/** A job state or flow status, colored. */
export const state = (text: string): string => renderState(text, ux.colorize);

/** JSON-safe copy: bigint → string, PublicKey → base58 (via toJSON/toBase58). */
export function plain<T>(value: T): unknown {
  return JSON.parse(
    JSON.stringify(value, (_, v) => {
      if (typeof v === 'bigint') return v.toString();
      if (v && typeof v === 'object' && typeof (v as { toBase58?: unknown }).toBase58 === 'function') {
        return (v as { toBase58(): string }).toBase58();
      }
      return v;
    }),
  );
}

/**
 * Shows a spinner while `work` runs when the terminal is interactive; otherwise just runs it.
 *
 * @example
 * ```ts
 * const markets = await spin(json, 'Fetching markets', () => client.markets.list());
 * ```
 */
export async function spin<T>(json: boolean, message: string, work: () => Promise<T>): Promise<T> {
  if (!interactive(json)) return work();
  ux.action.start(message);
  try {
    const result = await work();
    ux.action.stop(ux.colorize('green', 'done'));
    return result;
  } catch (error) {
    ux.action.stop(ux.colorize('red', 'failed'));
    throw error;
  }
}
