import type { ContainerLogLine } from '../engine/types.js';

/**
 * Where a reader of a container's log is, so that reading again from `since` (after the container restarted,
 * or to fetch the tail once a followed stream was cut) adds only lines not seen yet.
 *
 * Engines filter `since` inclusively and their timestamps are coarse (milliseconds here; Podman 4 sends whole
 * seconds), so a re-read repeats the lines that share the latest timestamp seen. Those are skipped by count —
 * as many of each text as were seen at that timestamp — so a line printed twice in the same second is kept
 * twice. Timestamps only move forward: a line older than the latest one (stdout and stderr interleave) does
 * not move the cursor back.
 */
export interface LogCursor {
  /** The timestamp to read from (unix ms), undefined before the first line. */
  readonly since: number | undefined;
  /** Starts a read from {@link since}: the returned filter says, line by line, whether it is new. */
  begin(): (line: ContainerLogLine) => boolean;
}

/**
 * A cursor for one container's log.
 *
 * @example
 * ```ts
 * const cursor = createLogCursor();
 * const isNew = cursor.begin();
 * for await (const batch of engine.logs(id, { follow: false, since: cursor.since }))
 *   for (const line of batch) if (isNew(line)) keep(line);
 * ```
 */
export function createLogCursor(): LogCursor {
  let last: number | undefined;
  let seenAtLast = new Map<string, number>();
  return {
    get since() {
      return last;
    },
    begin() {
      const since = last;
      const repeated = new Map(seenAtLast);
      return (line) => {
        const key = `${line.stream}|${line.line}`;
        if (since !== undefined && line.timestamp < since) return false;
        if (line.timestamp === since) {
          const left = repeated.get(key) ?? 0;
          if (left > 0) {
            repeated.set(key, left - 1);
            return false;
          }
        }
        if (last === undefined || line.timestamp > last) {
          last = line.timestamp;
          seenAtLast = new Map();
        }
        if (line.timestamp === last) seenAtLast.set(key, (seenAtLast.get(key) ?? 0) + 1);
        return true;
      };
    },
  };
}
