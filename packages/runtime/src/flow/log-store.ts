/**
 * Where an op's kept log lines wait until the op ends: a file of JSON lines on disk, so a job printing a flood
 * costs the host's disk (bounded by the log caps) rather than the node's memory; or memory, for tests and for
 * callers without a directory. The file is read back once, for the result, and removed with the flow.
 */
import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry } from '@nosana/core';

/** Kept log entries of one op, in order. */
export interface LogStore {
  /** Stores an entry; false (and nothing stored from then on) once the store failed, e.g. a full disk. */
  append(entry: LogEntry): boolean;
  /** Every entry stored, in order. Closes the store: nothing can be appended afterwards, a second read is empty. */
  read(): LogEntry[];
  /** Why storing failed, if it did. */
  readonly error: string | undefined;
}

/**
 * A store in memory.
 *
 * @example
 * ```ts
 * const store = createMemoryLogStore();
 * store.append({ type: 'stdout', log: 'hello', timestamp: 0 });
 * store.read(); // [{ type: 'stdout', log: 'hello', timestamp: 0 }]
 * ```
 */
export function createMemoryLogStore(): LogStore {
  const entries: LogEntry[] = [];
  let closed = false;
  return {
    append(entry) {
      if (closed) return false;
      entries.push(entry);
      return true;
    },
    read() {
      closed = true;
      return [...entries];
    },
    error: undefined,
  };
}

/** Bytes written to the file at once; lines wait in memory up to this. */
const FLUSH_BYTES = 64 * 1024;

/**
 * A store in a file of JSON lines, one entry per line, created 0600 (an existing file of that name, or a symbolic
 * link, is removed first, never written through). Lines are written in blocks of 64 KiB; a write that fails
 * (full disk, removed directory) stops the store and is reported through {@link LogStore.error}.
 *
 * @example
 * ```ts
 * const store = createFileLogStore('/var/lib/nosana/logs/job-1/0.jsonl');
 * store.append({ type: 'stdout', log: 'hello', timestamp: 0 });
 * store.read(); // read back from the file
 * ```
 */
export function createFileLogStore(path: string): LogStore {
  let fd: number | undefined;
  let pending: string[] = [];
  let pendingBytes = 0;
  let error: string | undefined;
  let closed = false;
  const fail = (cause: unknown) => {
    error ??= (cause as Error).message;
    pending = [];
    pendingBytes = 0;
  };
  const flush = () => {
    if (error || pending.length === 0) return;
    try {
      if (fd === undefined) {
        try {
          unlinkSync(path);
        } catch {
          // Nothing there yet.
        }
        fd = openSync(
          path,
          constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
          0o600,
        );
      }
      const block = Buffer.from(pending.join(''));
      let written = 0;
      while (written < block.length) written += writeSync(fd, block, written);
      pending = [];
      pendingBytes = 0;
    } catch (cause) {
      fail(cause);
    }
  };
  const close = () => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch (cause) {
      fail(cause);
    }
    fd = undefined;
  };
  return {
    append(entry) {
      if (closed || error) return false;
      const line = `${JSON.stringify(entry)}\n`;
      pending.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= FLUSH_BYTES) flush();
      return !error;
    },
    read() {
      if (closed) return [];
      flush();
      closed = true;
      // What reached the file is returned even after a failure; a line cut by it ends the read. The file is read
      // through its descriptor, so a reaper removing the directory meanwhile cannot lose it.
      let text = '';
      if (fd !== undefined) {
        try {
          const data = Buffer.alloc(fstatSync(fd).size);
          let read = 0;
          while (read < data.length) {
            const n = readSync(fd, data, read, data.length - read, read);
            if (n === 0) break;
            read += n;
          }
          text = data.subarray(0, read).toString('utf8');
        } catch (cause) {
          fail(cause);
        }
      }
      close();
      const entries: LogEntry[] = [];
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          entries.push(JSON.parse(line) as LogEntry);
        } catch (cause) {
          fail(cause);
          break;
        }
      }
      return entries;
    },
    get error() {
      return error;
    },
  };
}

/** The log directory of one flow. */
export interface FlowLogDir {
  /** A store for the op at `index`: a file in the directory, or memory when the directory could not be made. */
  store(index: number): LogStore;
  /** Removes the directory and its files. */
  remove(): Promise<void>;
}

/**
 * Makes (0700) the directory `name` under `base` for one flow's op logs. When it cannot be made (a read-only or
 * full disk, a name that is not a directory), the flow keeps its logs in memory instead: still within the caps.
 *
 * @example
 * ```ts
 * const dir = await openFlowLogDir('/var/lib/nosana/logs', 'nosana-1a2b3c4d-job-1');
 * const logs = createOpLogs({ caps, budget, store: dir.store(0) });
 * await dir.remove();
 * ```
 */
export async function openFlowLogDir(base: string, name: string): Promise<FlowLogDir> {
  const path = join(base, name);
  const made = await mkdir(base, { recursive: true, mode: 0o700 })
    .then(() => mkdir(path, { recursive: true, mode: 0o700 }))
    .then(() => lstat(path))
    .then((stats) => stats.isDirectory())
    .catch(() => false);
  return {
    store: (index) => (made ? createFileLogStore(join(path, `${index}.jsonl`)) : createMemoryLogStore()),
    remove: () => (made ? rm(path, { recursive: true, force: true }) : Promise.resolve()),
  };
}

/**
 * Removes the flow log directories under `base` whose names start with `prefix`, except those `keep` names (the
 * flows still running): what a crashed process left behind. Returns how many were removed.
 *
 * @example
 * ```ts
 * await removeFlowLogDirs('/var/lib/nosana/logs', 'nosana-1a2b3c4d-', new Set(['nosana-1a2b3c4d-job-1']));
 * ```
 */
export async function removeFlowLogDirs(
  base: string,
  prefix: string,
  keep: ReadonlySet<string>,
): Promise<number> {
  const names = await readdir(base).catch(() => [] as string[]);
  const stale = names.filter((name) => name.startsWith(prefix) && !keep.has(name));
  await Promise.all(stale.map((name) => rm(join(base, name), { recursive: true, force: true })));
  return stale.length;
}
