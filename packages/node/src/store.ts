/**
 * The node's crash-safe state: what it is doing with each job, in an embedded LMDB database (transactional, never
 * a JSON file rewritten in place), so a restart after kill -9 knows which jobs to resume or settle.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FlowState, NosanaError } from '@nosana/core';
import './errors.js';
import { type Database, open } from 'lmdb';

/** Where a job is in the node's hands. */
export type JobPhase = 'claimed' | 'running' | 'result-pinned';

/** What the node remembers about a job it works on. */
export interface JobRecord {
  job: string;
  run: string;
  market: string;
  phase: JobPhase;
  /** Unix ms the node started working on it. */
  startedAt: number;
  /** CID of the pinned result once `phase` is `result-pinned`. */
  result?: string;
  /** The flow's status once `phase` is `result-pinned`. */
  status?: FlowState['status'];
}

/** Parameters of {@link openNodeStore}. */
export interface OpenNodeStoreParameters {
  /** Directory of the database (default ~/.nosana/node). */
  dir: string;
}

/** The node's state database. */
export interface NodeStore {
  get(job: string): JobRecord | undefined;
  /** Writes and waits until the record is durable. */
  put(record: JobRecord): Promise<void>;
  remove(job: string): Promise<void>;
  jobs(): JobRecord[];
  close(): Promise<void>;
}

/**
 * Opens the node's state database.
 *
 * @example
 * ```ts
 * const store = openNodeStore({ dir: join(homedir(), '.nosana', 'node') });
 * await store.put({ job, run, market, phase: 'claimed', startedAt: Date.now() });
 * ```
 */
export function openNodeStore({ dir }: OpenNodeStoreParameters): NodeStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = takeDir(dir);
  const db: Database<JobRecord, string> = open({ path: join(dir, 'state.mdb'), compression: false });
  return {
    get: (job) => db.get(`job:${job}`),
    put: async (record) => {
      await db.put(`job:${record.job}`, record);
    },
    remove: async (job) => {
      await db.remove(`job:${job}`);
    },
    jobs: () => [...db.getRange({ start: 'job:', end: 'job;' })].map(({ value }) => value),
    close: async () => {
      await db.close();
      release();
    },
  };
}

/**
 * One node per state directory: a `node.pid` file names the process that holds it. A file left by a dead process
 * (kill -9) is taken over at once.
 */
function takeDir(dir: string): () => void {
  const file = join(dir, 'node.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (pid > 0 && alive(pid)) {
        throw new NosanaError(
          'NODE__ALREADY_RUNNING',
          `a node (pid ${pid}) already uses ${dir} — stop it first, or give this one another state directory`,
          { dir, pid },
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new NosanaError('NODE__ALREADY_RUNNING', `could not take the state directory ${dir}`, {
    dir,
    pid: 0,
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
