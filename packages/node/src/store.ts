/**
 * The node's crash-safe state: what it is doing with each job, in an embedded LMDB database (transactional, never
 * a JSON file rewritten in place), so a restart after kill -9 knows which jobs to resume or settle.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type FlowState, type JobDefinition, NosanaError } from '@nosana/core';
import './errors.js';
import { type Database, open } from 'lmdb';
import { takeLockFile } from './lock-file.js';

/**
 * Where a job is in the node's hands: `claimed` (run assigned, nothing started), `running` (containers may
 * exist), `result-ready` (the flow ended; its result waits to be pinned), `result-pinned` (waits for `finish`).
 * From `result-ready` on, the job is only ever settled, never run again.
 */
export type JobPhase = 'claimed' | 'running' | 'result-ready' | 'result-pinned';

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
  /** The flow's status once `phase` is `result-ready` or `result-pinned`. */
  status?: FlowState['status'];
  /** The result to pin, while `phase` is `result-ready` (already cut to the size limit). */
  flow?: FlowState;
  /**
   * A confidential job's definition as delivered to the node, sealed to the node's own key (plain only on a node
   * without a key), so a restart resumes the job without asking the poster again.
   */
  definition?: string | JobDefinition;
  /**
   * The job's services (`<op>:<port>`) that came online: after a restart they are health-metered from the moment
   * they are published again, so one found dead is not billed until the job's timeout.
   */
  online?: string[];
}

/** A confidential job's real result, kept for its owner (the blank one is pinned). */
export interface KeptResult {
  job: string;
  /** The job's owner (`project`): the only wallet the node API gives it to. */
  project: string;
  /** Unix ms after which the node forgets it. */
  until: number;
  /** The result, sealed to the node's own key (plain only on a node without a key). */
  result: string | FlowState;
}

/**
 * What this state directory has put on chain with its wallet: set before the node enters a queue, cleared once it
 * left it. At start, a wallet found queued or holding runs is this node's own to recover only when this says so.
 */
export interface ChainPresence {
  address: string;
  market: string;
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
  presence(): ChainPresence | undefined;
  setPresence(presence: ChainPresence | undefined): Promise<void>;
  /** Images the node pulled or used, with when it last used each (unix ms): the image cache's recency. */
  imageUses(): ImageUse[];
  touchImage(image: string, at: number): Promise<void>;
  forgetImage(image: string): Promise<void>;
  /** Keeps a confidential job's result for its owner. */
  keepResult(kept: KeptResult): Promise<void>;
  keptResult(job: string): KeptResult | undefined;
  /** Every kept result (to forget the expired ones). */
  keptResults(): KeptResult[];
  forgetResult(job: string): Promise<void>;
  close(): Promise<void>;
}

/** When the node last used an image it manages. */
export interface ImageUse {
  image: string;
  lastUsed: number;
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
  const db: Database<JobRecord | ChainPresence | ImageUse | KeptResult, string> = open({
    path: join(dir, 'state.mdb'),
    compression: false,
  });
  return {
    get: (job) => db.get(`job:${job}`) as JobRecord | undefined,
    put: async (record) => {
      await db.put(`job:${record.job}`, record);
    },
    remove: async (job) => {
      await db.remove(`job:${job}`);
    },
    jobs: () => [...db.getRange({ start: 'job:', end: 'job;' })].map(({ value }) => value as JobRecord),
    presence: () => db.get('meta:presence') as ChainPresence | undefined,
    setPresence: async (presence) => {
      if (presence) await db.put('meta:presence', presence);
      else await db.remove('meta:presence');
    },
    imageUses: () =>
      [...db.getRange({ start: 'image:', end: 'image;' })].map(({ value }) => value as ImageUse),
    touchImage: async (image, at) => {
      await db.put(`image:${image}`, { image, lastUsed: at });
    },
    forgetImage: async (image) => {
      await db.remove(`image:${image}`);
    },
    keepResult: async (kept) => {
      await db.put(`kept:${kept.job}`, kept);
    },
    keptResult: (job) => db.get(`kept:${job}`) as KeptResult | undefined,
    keptResults: () =>
      [...db.getRange({ start: 'kept:', end: 'kept;' })].map(({ value }) => value as KeptResult),
    forgetResult: async (job) => {
      await db.remove(`kept:${job}`);
    },
    close: async () => {
      await db.close();
      release();
    },
  };
}

/** One node per state directory: `node.pid` names the process that holds it. */
function takeDir(dir: string): () => void {
  const lock = takeLockFile(join(dir, 'node.pid'));
  if (lock.ok) return lock.release;
  throw new NosanaError(
    'NODE__ALREADY_RUNNING',
    `a node (pid ${lock.pid}) already uses ${dir} — stop it first, or give this one another state directory`,
    { dir, pid: lock.pid },
  );
}
