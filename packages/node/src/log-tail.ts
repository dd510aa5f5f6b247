/**
 * The live tail of a running job's log that the node API serves its owner: the last lines within a line and a
 * character budget. Pushing is O(1) amortized, so a job printing a flood costs the node a constant per line.
 */

/** Parameters of {@link createLogTail}. */
export interface CreateLogTailParameters {
  /** Lines kept. Default 1,000. */
  maxLines?: number;
  /** Characters kept (lines are up to 64 KiB). Default 1 MiB. */
  maxChars?: number;
}

/** The last lines of a log. */
export interface LogTail<T extends { log: string }> {
  push(entry: T): void;
  /** The kept lines, oldest first (a copy). */
  entries(): T[];
}

/**
 * A tail of at most `maxLines` lines and `maxChars` characters (always the newest line, however long).
 *
 * @example
 * ```ts
 * const tail = createLogTail<{ log: string }>({ maxLines: 2 });
 * for (const log of ['a', 'b', 'c']) tail.push({ log });
 * tail.entries(); // [{ log: 'b' }, { log: 'c' }]
 * ```
 */
export function createLogTail<T extends { log: string }>({
  maxLines = 1000,
  maxChars = 1024 * 1024,
}: CreateLogTailParameters = {}): LogTail<T> {
  let lines: T[] = [];
  let start = 0;
  let chars = 0;
  return {
    push(entry) {
      lines.push(entry);
      chars += entry.log.length;
      while (lines.length - start > maxLines || (lines.length - start > 1 && chars > maxChars))
        chars -= lines[start++]!.log.length;
      // Dropped lines are released in one copy every `maxLines` lines or more, not one shift per line.
      if (start >= maxLines) {
        lines = lines.slice(start);
        start = 0;
      }
    },
    entries: () => lines.slice(start),
  };
}
