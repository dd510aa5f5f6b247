/**
 * Bounds on the logs and results a flow keeps, so its result stays readable: a line is cut at `maxLineBytes`
 * (by the engine's log reader, before it is ever held whole), an op keeps at most `maxLines` lines and
 * `maxOpBytes`, all ops of a flow together at most `maxFlowBytes`, and the whole result (`FlowState`) stays under
 * `maxResultBytes` — the 16 MiB clients read from IPFS. Sizes are counted as the result's JSON.
 */
import { extractResults, type FlowState, type LogEntry, type ResultSpec } from '@nosana/core';
import type { ContainerLogLine } from '../engine/types.js';
import { createMemoryLogStore, type LogStore } from './log-store.js';

/** Log and result caps (bytes are UTF-8 bytes of the JSON the result is stored as). */
export interface LogCaps {
  /** Lines kept per op. Default 25,000 (like the real node). */
  maxLines: number;
  /** Bytes kept of one line; the rest of the line is dropped. Default 64 KiB. */
  maxLineBytes: number;
  /** Bytes of log lines kept per op. Default 4 MiB. */
  maxOpBytes: number;
  /** Bytes of log lines and results kept by all ops of a flow together. Default 12 MiB. */
  maxFlowBytes: number;
  /** Bytes of the whole result (the `FlowState`). Default 16 MiB, the read cap of IPFS clients. */
  maxResultBytes: number;
}

/** The default {@link LogCaps}. */
export const DEFAULT_LOG_CAPS: Readonly<LogCaps> = Object.freeze({
  maxLines: 25_000,
  maxLineBytes: 64 * 1024,
  maxOpBytes: 4 * 1024 * 1024,
  maxFlowBytes: 12 * 1024 * 1024,
  maxResultBytes: 16 * 1024 * 1024,
});

/** A flow's shared allowance of kept bytes. */
export interface LogBudget {
  /** Takes `bytes` if that many are left. */
  take(bytes: number): boolean;
  readonly left: number;
}

/**
 * A budget of `bytes`.
 *
 * @example
 * ```ts
 * const budget = createLogBudget(10);
 * budget.take(8); // true
 * budget.take(8); // false
 * ```
 */
export function createLogBudget(bytes: number): LogBudget {
  let left = bytes;
  return {
    take(n) {
      if (n > left) return false;
      left -= n;
      return true;
    },
    get left() {
      return left;
    },
  };
}

/** Bytes an entry adds to the result's JSON: its text as a JSON string, plus the object around it. */
export const entryBytes = (text: string): number => Buffer.byteLength(JSON.stringify(text)) + 64;

const size = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${bytes} bytes`;

/** One op's kept log. */
export interface OpLogs {
  /** Counts a line and keeps it (in the store) if it fits; returns the entry to stream (always, cut to `maxLineBytes`). */
  push(line: ContainerLogLine): LogEntry;
  /**
   * The kept lines, read back from the store, plus a final `nodeerr` line saying what was cut and dropped, if
   * anything was. Ends the log: later lines are dropped; later calls return the same entries.
   */
  entries(): LogEntry[];
  /** Whether anything was cut or dropped. */
  readonly truncated: boolean;
}

/**
 * The log of one op: the first lines that fit `maxLines`, `maxOpBytes` and the flow's budget; once one does
 * not fit, it and every later line are dropped (counted, not kept), so the kept log is a prefix. Kept lines go to
 * `store` (a file on disk in a runtime, memory by default), so what the op holds in memory is the counters only.
 *
 * @example
 * ```ts
 * const logs = createOpLogs({ caps: DEFAULT_LOG_CAPS, budget: createLogBudget(1024) });
 * logs.push({ stream: 'stdout', line: 'hello', timestamp: 0 });
 * ```
 */
export function createOpLogs({
  caps,
  budget,
  now = Date.now,
  store = createMemoryLogStore(),
}: {
  caps: Pick<LogCaps, 'maxLines' | 'maxOpBytes'>;
  budget: LogBudget;
  now?: () => number;
  store?: LogStore;
}): OpLogs {
  let keptLines = 0;
  let keptBytes = 0;
  let full = false;
  let dropped = { lines: 0, bytes: 0 };
  let cut = { lines: 0, bytes: 0 };
  let ended: LogEntry[] | undefined;
  return {
    push(line) {
      const entry: LogEntry = { type: line.stream, log: line.line, timestamp: line.timestamp };
      // Once the log is full only the dropped lines are counted: a flood costs no JSON encoding per line.
      const bytes = full || ended ? 0 : entryBytes(line.line);
      if (
        !full &&
        !ended &&
        keptLines < caps.maxLines &&
        keptBytes + bytes <= caps.maxOpBytes &&
        budget.take(bytes) &&
        store.append(entry)
      ) {
        keptLines++;
        keptBytes += bytes;
        if (line.droppedBytes) cut = { lines: cut.lines + 1, bytes: cut.bytes + line.droppedBytes };
      } else {
        full = true;
        dropped = {
          lines: dropped.lines + 1,
          bytes: dropped.bytes + Buffer.byteLength(line.line) + (line.droppedBytes ?? 0),
        };
      }
      return entry;
    },
    entries() {
      if (ended) return [...ended];
      const kept = store.read();
      const lost = keptLines - kept.length;
      const parts = [
        ...(store.error
          ? [
              `Logs incomplete: the node could not store them (${store.error})${lost > 0 ? `, ${lost} line(s) lost` : ''}`,
            ]
          : []),
        ...(dropped.lines > 0
          ? [
              `Found too many logs: ${dropped.lines} line(s) (${size(dropped.bytes)}) dropped after the first ${keptLines} line(s) (${size(keptBytes)}; caps: ${caps.maxLines} lines and ${size(caps.maxOpBytes)} per op, within the flow's share of the result)`,
            ]
          : []),
        ...(cut.lines > 0
          ? [
              `${dropped.lines > 0 ? '' : 'Logs truncated: '}${cut.lines} kept line(s) cut to the line cap, ${size(cut.bytes)} more dropped`,
            ]
          : []),
      ];
      ended =
        parts.length === 0 ? kept : [...kept, { type: 'nodeerr', log: parts.join('; '), timestamp: now() }];
      return [...ended];
    },
    get truncated() {
      return dropped.lines > 0 || cut.lines > 0 || store.error !== undefined;
    },
  };
}

/**
 * Results of an op, extracted from its kept log, keeping matches in order while they fit the flow's budget.
 * Returns how many matches were dropped.
 *
 * @example
 * ```ts
 * cappedResults({ r: 'r=\\d+' }, logs, createLogBudget(1024)); // { results: { r: ['r=1'] }, dropped: 0 }
 * ```
 */
export function cappedResults(
  specs: Record<string, ResultSpec>,
  logs: readonly LogEntry[],
  budget: LogBudget,
): { results: Record<string, string[]>; dropped: number } {
  const all = extractResults(specs, logs);
  let dropped = 0;
  const results: Record<string, string[]> = {};
  for (const [key, matches] of Object.entries(all)) {
    results[key] = [];
    for (const match of matches) {
      if (dropped === 0 && budget.take(entryBytes(match) - 60)) results[key].push(match);
      else dropped++;
    }
  }
  return { results, dropped };
}

/**
 * Makes sure a result fits `maxBytes` as JSON: while it does not, the op with the most log lines loses the later
 * half of them (and says so). Caps upstream keep this from ever cutting in practice; it guards the limit.
 *
 * @example
 * ```ts
 * fitResult(state, DEFAULT_LOG_CAPS.maxResultBytes); // the number of log lines removed
 * ```
 */
export function fitResult(state: FlowState, maxBytes: number): number {
  let removed = 0;
  while (Buffer.byteLength(JSON.stringify(state)) > maxBytes) {
    const largest = [...state.opStates].sort((a, b) => b.logs.length - a.logs.length)[0];
    if (!largest || largest.logs.length <= 1) break;
    const keep = Math.floor(largest.logs.length / 2);
    removed += largest.logs.length - keep;
    largest.logs = [
      ...largest.logs.slice(0, keep),
      {
        type: 'nodeerr',
        log: `Logs truncated: ${largest.logs.length - keep} line(s) removed to keep the result under ${size(maxBytes)}`,
        timestamp: largest.logs.at(-1)?.timestamp ?? 0,
      },
    ];
    largest.logsTruncated = true;
  }
  return removed;
}
