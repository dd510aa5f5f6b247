/**
 * Follows a container's log from its start to its final exit: re-attached after restarts, and read once more
 * without following when the op ends, so nothing the container wrote is missed — not the tail a followed
 * stream ended before (Docker stores a last line without a newline only as the container exits; Podman ends a
 * followed stream ~300 ms late), and not the lines of a stream cut by a stop.
 */
import type { ContainerEngine, ContainerLogLine } from '../engine/types.js';
import { createLogCursor } from './log-cursor.js';

/** Parameters of {@link followLogs}. */
export interface FollowLogsParameters {
  engine: ContainerEngine;
  containerId: string;
  /** Lines longer than this are cut by the engine's reader. */
  maxLineBytes: number;
  /** Called once per new line, in order. */
  onLine(line: ContainerLogLine): void;
}

/** A running log follower. */
export interface LogFollower {
  /** After the container's final exit (or a stop): ends the followed stream and reads what it did not get. */
  finish(): Promise<void>;
}

/** How long the end of a followed stream is waited for once cut, and the final read may take. */
const CUT_WAIT_MS = 2000;
const TAIL_READ_MS = 10_000;

/**
 * Starts following a container's log.
 *
 * @example
 * ```ts
 * const follower = followLogs({ engine, containerId, maxLineBytes: 65536, onLine: (line) => keep(line) });
 * await engine.waitContainer(containerId);
 * await follower.finish();
 * ```
 */
export function followLogs({ engine, containerId, maxLineBytes, onLine }: FollowLogsParameters): LogFollower {
  const cursor = createLogCursor();
  const cut = new AbortController();
  let finished = false;
  /** Reads from the cursor on; a followed stream ends when the container stops (or is cut). */
  const read = async (follow: boolean, signal: AbortSignal) => {
    const since = cursor.since;
    const isNew = cursor.begin();
    for await (const batch of engine.logs(containerId, {
      follow,
      signal,
      maxLineBytes,
      ...(since === undefined ? {} : { since }),
    }))
      for (const line of batch) if (isNew(line)) onLine(line);
  };
  const following = (async () => {
    // Re-attach after restarts until the op is final.
    while (true) {
      await read(true, cut.signal);
      if (finished || cut.signal.aborted) return;
      const current = await engine.inspectContainer(containerId);
      if (!current.running && !current.restarting) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })().catch(() => undefined);
  return {
    async finish() {
      finished = true;
      cut.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        following,
        new Promise((resolve) => {
          timer = setTimeout(resolve, CUT_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
      await read(false, AbortSignal.timeout(TAIL_READ_MS)).catch(() => undefined);
    },
  };
}
