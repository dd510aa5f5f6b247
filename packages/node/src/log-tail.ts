/**
 * The live tail of a running job's log that the node API serves its owner: the last lines within a line and a
 * character budget. Pushing is O(1), and a line's fields are copied into fixed rings rather than kept as an object:
 * during a flood V8 saw the kept entry objects outlive its young-generation collections and began allocating every
 * new one in the old generation (pretenuring), where each became garbage only a full collection frees — the node's
 * RSS then grew by ~40 MB per flood. Kept strings are not pretenured that way.
 */
import type { LogEntry, StdStream } from '@nosana/core';

/** Parameters of {@link createLogTail}. */
export interface CreateLogTailParameters {
  /** Lines kept. Default 1,000. */
  maxLines?: number;
  /** Characters kept (lines are up to 64 KiB). Default 1 MiB. */
  maxChars?: number;
}

/** A line of the tail: a log entry and the op that printed it. */
export type TailEntry = LogEntry & { opId: string };

/** The last lines of a job's log. */
export interface LogTail {
  /** Keeps a line printed by op `opId` (its fields are copied; the entry itself is not held). */
  push(opId: string, entry: LogEntry): void;
  /** The kept lines, oldest first (new objects). */
  entries(): TailEntry[];
}

/**
 * A tail of at most `maxLines` lines and `maxChars` characters (always the newest line, however long).
 *
 * @example
 * ```ts
 * const tail = createLogTail({ maxLines: 2 });
 * for (const log of ['a', 'b', 'c']) tail.push('run', { type: 'stdout', log, timestamp: Date.now() });
 * tail.entries().map((e) => e.log); // ['b', 'c']
 * ```
 */
export function createLogTail({
  maxLines = 1000,
  maxChars = 1024 * 1024,
}: CreateLogTailParameters = {}): LogTail {
  const size = Math.max(1, maxLines);
  const logs: string[] = new Array<string>(size).fill('');
  const ops: string[] = new Array<string>(size).fill('');
  const types: StdStream[] = new Array<StdStream>(size).fill('stdout');
  const times = new Float64Array(size);
  let first = 0;
  let count = 0;
  let chars = 0;
  const dropOldest = () => {
    chars -= logs[first]!.length;
    logs[first] = '';
    ops[first] = '';
    first = (first + 1) % size;
    count--;
  };
  return {
    push(opId, entry) {
      if (count === size) dropOldest();
      const at = (first + count) % size;
      logs[at] = entry.log;
      ops[at] = opId;
      types[at] = entry.type;
      times[at] = entry.timestamp;
      count++;
      chars += entry.log.length;
      while (count > 1 && chars > maxChars) dropOldest();
    },
    entries: () =>
      Array.from({ length: count }, (_, i) => {
        const at = (first + i) % size;
        return { type: types[at]!, log: logs[at]!, timestamp: times[at]!, opId: ops[at]! };
      }),
  };
}
