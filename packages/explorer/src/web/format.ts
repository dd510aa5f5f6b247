/** Pure formatting of the API's values for people: NOS amounts, durations, times, short addresses. */

const NOS_DECIMALS = 6n;
const NOS = 10n ** NOS_DECIMALS;

/**
 * NOS base units (a decimal string) as NOS with up to `digits` decimals, e.g. `'1500000'` → `'1.5'`.
 *
 * @example
 * ```ts
 * formatNos('1234567'); // '1.2346'
 * ```
 */
export function formatNos(baseUnits: string, digits = 4): string {
  const value = BigInt(baseUnits);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(digits);
  // Round half up at `digits` decimals.
  const scaled = (abs * scale + NOS / 2n) / NOS;
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  const text = `${whole.toLocaleString('en-US')}${fraction ? `.${fraction}` : ''}`;
  return negative ? `-${text}` : text;
}

/** NOS base units as a number of NOS (for charts). */
export function nosNumber(baseUnits: string): number {
  return Number(BigInt(baseUnits)) / Number(NOS);
}

/**
 * Seconds as a short duration: `42 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`; `—` for null.
 *
 * @example
 * ```ts
 * formatDuration(185); // '3 min 5 s'
 * ```
 */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86_400)
    return `${Math.floor(s / 3600)} h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  return `${Math.floor(s / 86_400)} d${s % 86_400 >= 3600 ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`;
}

/** Unix seconds as an ISO-like UTC time (`2026-12-03 21:40:05 UTC`); `—` for null. */
export function formatTime(unixSeconds: number | null): string {
  if (unixSeconds === null || unixSeconds <= 0) return '—';
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A base58 address or CID shortened for tables: `7xKX…p9Qa`. */
export function shortAddress(address: string, keep = 4): string {
  return address.length <= keep * 2 + 1 ? address : `${address.slice(0, keep)}…${address.slice(-keep)}`;
}

/**
 * Bytes in binary units with one decimal: `17179869184` → `16 GiB`; `—` for null.
 *
 * @example
 * ```ts
 * formatBytes(1610612736); // '1.5 GiB'
 * ```
 */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Math.round(value * 10) / 10} ${units[unit]}`;
}

/** A ratio as a percentage (`0.975` → `97.5 %`); `—` for null. */
export function formatPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${Math.round(ratio * 1000) / 10} %`;
}

/** What a search term looks like: an address or a CIDv0 (else null, with nothing to ask the indexer). */
export function searchKind(term: string): 'address' | 'cid' | null {
  const q = term.trim();
  if (/^Qm[1-9A-HJ-NP-Za-km-z]{44}$/.test(q)) return 'cid';
  if (/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(q)) return 'address';
  return null;
}

/**
 * Per-day values as a continuous series of the last `days` days ending at `until` (unix seconds), with zeros for
 * the days without a value, so a chart of one busy day still reads as days.
 *
 * @example
 * ```ts
 * dailySeries([{ day: 86_400, value: 2 }], 3, 86_400 * 2); // { x: [0, 86400, 172800], y: [0, 2, 0] }
 * ```
 */
export function dailySeries(
  points: Array<{ day: number; value: number }>,
  days: number,
  until: number,
): { x: number[]; y: number[] } {
  const last = Math.floor(until / 86_400) * 86_400;
  const byDay = new Map(points.map((p) => [p.day, p.value]));
  const x = Array.from({ length: days }, (_, i) => last - (days - 1 - i) * 86_400);
  return { x, y: x.map((day) => byDay.get(day) ?? 0) };
}
