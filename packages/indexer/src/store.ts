/**
 * The indexer's SQLite database (better-sqlite3): rows of the Jobs program's accounts, the derived facts a
 * dashboard needs, and an append-only log of changes. Writes are idempotent and ordered by slot: an update
 * older than what a row already holds is ignored, so a backfill and the live stream can overlap freely.
 */

import { NosanaError } from '@nosana/core';
import Database from 'better-sqlite3';
import './errors.js';
import { type IndexedJobStatus, type JobRow, jobStatus, type MarketRow, type RunRow } from './rows.js';

/** One entry of the change log (also what the SSE stream sends). */
export interface Change {
  seq: number;
  kind: 'job' | 'run' | 'market' | 'reset';
  address: string;
  /** The job's status after the change (jobs and runs), or null. */
  status: IndexedJobStatus | null;
  slot: number;
}

/** Parameters of {@link openStore}. */
export interface OpenStoreParameters {
  /** Database file, or `:memory:`. */
  path: string;
  /** Called after each committed change. */
  onChange?: (change: Change) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  address TEXT NOT NULL UNIQUE,
  market TEXT NOT NULL, project TEXT NOT NULL, payer TEXT NOT NULL, node TEXT,
  state INTEGER NOT NULL, status TEXT NOT NULL, price TEXT NOT NULL, timeout INTEGER NOT NULL,
  time_start INTEGER NOT NULL, time_end INTEGER NOT NULL, definition TEXT NOT NULL, result TEXT,
  posted_at INTEGER, claimed_at INTEGER, closed INTEGER NOT NULL DEFAULT 0, slot INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_market ON jobs (market, id);
CREATE INDEX IF NOT EXISTS jobs_node ON jobs (node, id);
CREATE INDEX IF NOT EXISTS jobs_project ON jobs (project, id);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, id);
CREATE INDEX IF NOT EXISTS jobs_definition ON jobs (definition);
CREATE INDEX IF NOT EXISTS jobs_result ON jobs (result);
CREATE TABLE IF NOT EXISTS runs (
  address TEXT PRIMARY KEY, job TEXT NOT NULL, node TEXT NOT NULL, time INTEGER NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0, slot INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_job ON runs (job);
CREATE INDEX IF NOT EXISTS runs_node ON runs (node);
CREATE TABLE IF NOT EXISTS markets (
  address TEXT PRIMARY KEY, authority TEXT NOT NULL, job_price TEXT NOT NULL, job_timeout INTEGER NOT NULL,
  job_expiration INTEGER NOT NULL, job_type INTEGER NOT NULL, node_access_key TEXT NOT NULL,
  node_xnos_minimum TEXT NOT NULL, queue_type INTEGER NOT NULL, queue TEXT NOT NULL,
  closed INTEGER NOT NULL DEFAULT 0, slot INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS nodes (address TEXT PRIMARY KEY, first_seen INTEGER, last_seen INTEGER);
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, address TEXT NOT NULL, status TEXT,
  slot INTEGER NOT NULL
);
`;

/** The indexer's database. */
export interface IndexerStore {
  /** The better-sqlite3 handle (read queries). */
  db: Database.Database;
  meta(key: string): string | undefined;
  setMeta(key: string, value: string | number): void;
  /** Stores a Job account seen at `slot`; `chainTime` (unix s) is its posting time when it is new (null in a backfill). */
  putJob(row: JobRow, slot: number, chainTime: number | null): void;
  putRun(row: RunRow, slot: number): void;
  putMarket(row: MarketRow, slot: number, chainTime: number | null): void;
  /** Marks an account closed at `slot` (a delisted or cleaned job, a finished run, a closed market). */
  close(address: string, slot: number): void;
  /** Open accounts last written before `slot` (candidates for closing after a full scan). */
  openAccountsBefore(slot: number): string[];
  /** Which of `addresses` are open accounts the indexer tracks. */
  tracked(addresses: string[]): string[];
  /** Deletes every indexed row (a reset network), keeping the change log's sequence. */
  reset(slot: number): void;
  closeDatabase(): void;
}

/**
 * Opens (creating if needed) the indexer database. WAL mode: a crash loses at most the transaction in flight.
 *
 * @example
 * ```ts
 * const store = openStore({ path: '/var/lib/nosana/indexer.db' });
 * store.putJob(row, slot, chainTime);
 * ```
 */
export function openStore({ path, onChange }: OpenStoreParameters): IndexerStore {
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
  } catch (cause) {
    throw new NosanaError(
      'INDEXER__DB_FAILED',
      `cannot open the indexer database ${path}: ${(cause as Error).message} — check the path and its permissions, or remove the file to rebuild it`,
      { path },
      { cause },
    );
  }
  const pending: Change[] = [];
  const q = {
    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    job: db.prepare<[string], JobDbRow>('SELECT * FROM jobs WHERE address = ?'),
    insertJob: db.prepare(
      `INSERT INTO jobs (address, market, project, payer, node, state, status, price, timeout, time_start, time_end,
         definition, result, posted_at, claimed_at, closed, slot)
       VALUES (@address, @market, @project, @payer, @node, @state, @status, @price, @timeout, @timeStart, @timeEnd,
         @definition, @result, @postedAt, @claimedAt, 0, @slot)`,
    ),
    updateJob: db.prepare(
      `UPDATE jobs SET node = @node, state = @state, status = @status, price = @price, timeout = @timeout,
         time_start = @timeStart, time_end = @timeEnd, result = @result, claimed_at = @claimedAt, closed = 0,
         slot = @slot WHERE address = @address`,
    ),
    setJobStatus: db.prepare(
      'UPDATE jobs SET status = ?, node = coalesce(?, node), claimed_at = coalesce(?, claimed_at) WHERE address = ?',
    ),
    closeJob: db.prepare('UPDATE jobs SET closed = 1, status = ?, slot = ? WHERE address = ?'),
    liveRun: db.prepare<[string], RunDbRow>(
      'SELECT * FROM runs WHERE job = ? AND closed = 0 ORDER BY time DESC LIMIT 1',
    ),
    run: db.prepare<[string], RunDbRow>('SELECT * FROM runs WHERE address = ?'),
    upsertRun: db.prepare(
      `INSERT INTO runs (address, job, node, time, closed, slot) VALUES (@address, @job, @node, @time, 0, @slot)
       ON CONFLICT(address) DO UPDATE SET job = excluded.job, node = excluded.node, time = excluded.time,
         closed = 0, slot = excluded.slot`,
    ),
    closeRun: db.prepare('UPDATE runs SET closed = 1, slot = ? WHERE address = ?'),
    market: db.prepare<[string], MarketDbRow>('SELECT * FROM markets WHERE address = ?'),
    upsertMarket: db.prepare(
      `INSERT INTO markets (address, authority, job_price, job_timeout, job_expiration, job_type, node_access_key,
         node_xnos_minimum, queue_type, queue, closed, slot)
       VALUES (@address, @authority, @jobPrice, @jobTimeout, @jobExpiration, @jobType, @nodeAccessKey,
         @nodeXnosMinimum, @queueType, @queue, 0, @slot)
       ON CONFLICT(address) DO UPDATE SET authority = excluded.authority, job_price = excluded.job_price,
         job_timeout = excluded.job_timeout, job_expiration = excluded.job_expiration, job_type = excluded.job_type,
         node_access_key = excluded.node_access_key, node_xnos_minimum = excluded.node_xnos_minimum,
         queue_type = excluded.queue_type, queue = excluded.queue, closed = 0, slot = excluded.slot`,
    ),
    closeMarket: db.prepare('UPDATE markets SET closed = 1, slot = ? WHERE address = ?'),
    seeNode: db.prepare(
      `INSERT INTO nodes (address, first_seen, last_seen) VALUES (@address, @time, @time)
       ON CONFLICT(address) DO UPDATE SET last_seen = max(coalesce(last_seen, 0), coalesce(excluded.last_seen, 0))`,
    ),
    change: db.prepare<[string, string, string | null, number], { seq: number }>(
      'INSERT INTO changes (kind, address, status, slot) VALUES (?, ?, ?, ?) RETURNING seq',
    ),
  };

  const record = (kind: Change['kind'], address: string, status: IndexedJobStatus | null, slot: number) => {
    const { seq } = q.change.get(kind, address, status, slot)!;
    pending.push({ seq, kind, address, status, slot });
  };
  const flush = () => {
    const done = pending.splice(0);
    for (const change of done) onChange?.(change);
  };
  const seeNode = (address: string | null, time: number | null) => {
    if (address) q.seeNode.run({ address, time: time && time > 0 ? time : null });
  };
  /** Recomputes a job's status from its row and its live Run account; records a change when it moved. */
  const refreshJob = (address: string, slot: number) => {
    const job = q.job.get(address);
    if (!job) return;
    const run = q.liveRun.get(address);
    const status = jobStatus(job.state, Boolean(run), job.closed === 1);
    if (status !== job.status || (run && run.node !== job.node && job.state === 0)) {
      q.setJobStatus.run(status, run?.node ?? null, run?.time ?? null, address);
      record('job', address, status, slot);
    }
  };

  const tx = <A extends unknown[]>(fn: (...args: A) => void) => {
    const wrapped = db.transaction(fn);
    return (...args: A) => {
      wrapped(...args);
      flush();
    };
  };

  const store: IndexerStore = {
    db,
    meta(key: string): string | undefined {
      return q.getMeta.get(key)?.value;
    },
    setMeta(key: string, value: string | number): void {
      q.setMeta.run(key, String(value));
    },
    /** Stores a Job account seen at `slot`; `chainTime` (unix s) is its posting time when it is new (null in a backfill). */
    putJob: tx((row: JobRow, slot: number, chainTime: number | null) => {
      const existing = q.job.get(row.address);
      if (existing && existing.slot > slot) return;
      const run = q.liveRun.get(row.address);
      const status = jobStatus(row.state, Boolean(run), false);
      const values = {
        ...row,
        node: row.node ?? run?.node ?? existing?.node ?? null,
        status,
        slot,
        claimedAt: run?.time ?? existing?.claimed_at ?? null,
        postedAt: chainTime,
      };
      if (!existing) q.insertJob.run(values);
      else {
        const same =
          existing.state === row.state &&
          existing.status === status &&
          existing.result === row.result &&
          existing.time_end === row.timeEnd &&
          existing.timeout === row.timeout &&
          existing.closed === 0;
        q.updateJob.run(values);
        if (same) return;
      }
      if (row.state !== 0) seeNode(values.node, row.timeEnd);
      record('job', row.address, status, slot);
    }),
    putRun: tx((row: RunRow, slot: number) => {
      const existing = q.run.get(row.address);
      if (existing && existing.slot > slot) return;
      q.upsertRun.run({ ...row, slot });
      seeNode(row.node, row.time);
      if (!existing || existing.closed === 1) record('run', row.address, null, slot);
      refreshJob(row.job, slot);
    }),
    putMarket: tx((row: MarketRow, slot: number, chainTime: number | null) => {
      const existing = q.market.get(row.address);
      if (existing && existing.slot > slot) return;
      const queue = JSON.stringify(row.queue);
      q.upsertMarket.run({ ...row, queue, slot });
      if (row.queueType === 1) for (const node of row.queue) seeNode(node, chainTime);
      if (
        !existing ||
        existing.queue !== queue ||
        existing.job_price !== row.jobPrice ||
        existing.closed === 1
      )
        record('market', row.address, null, slot);
    }),
    /** Marks an account closed at `slot` (a delisted or cleaned job, a finished run, a closed market). */
    close: tx((address: string, slot: number) => {
      const job = q.job.get(address);
      if (job && job.closed === 0 && job.slot <= slot) {
        const status = jobStatus(job.state, false, true);
        q.closeJob.run(status, slot, address);
        record('job', address, status, slot);
        return;
      }
      const run = q.run.get(address);
      if (run && run.closed === 0 && run.slot <= slot) {
        q.closeRun.run(slot, address);
        record('run', address, null, slot);
        refreshJob(run.job, slot);
        return;
      }
      const market = q.market.get(address);
      if (market && market.closed === 0 && market.slot <= slot) {
        q.closeMarket.run(slot, address);
        record('market', address, null, slot);
      }
    }),
    /** Open accounts last written before `slot` (candidates for closing after a full scan). */
    openAccountsBefore(slot: number): string[] {
      return db
        .prepare<[number, number, number], { address: string }>(
          `SELECT address FROM jobs WHERE closed = 0 AND slot < ?
           UNION ALL SELECT address FROM runs WHERE closed = 0 AND slot < ?
           UNION ALL SELECT address FROM markets WHERE closed = 0 AND slot < ?`,
        )
        .all(slot, slot, slot)
        .map((r) => r.address);
    },
    /** Which of `addresses` are open accounts the indexer tracks. */
    tracked(addresses: string[]): string[] {
      const one = db.prepare<[{ a: string }], { n: number }>(
        `SELECT (SELECT count(*) FROM jobs WHERE address = @a AND closed = 0)
              + (SELECT count(*) FROM runs WHERE address = @a AND closed = 0)
              + (SELECT count(*) FROM markets WHERE address = @a AND closed = 0) AS n`,
      );
      return addresses.filter((a) => one.get({ a })!.n > 0);
    },
    /** Deletes every indexed row (a reset network), keeping the change log's sequence. */
    reset: tx((slot: number) => {
      db.exec(
        'DELETE FROM jobs; DELETE FROM runs; DELETE FROM markets; DELETE FROM nodes; DELETE FROM meta;',
      );
      record('reset', '', null, slot);
    }),
    closeDatabase(): void {
      db.close();
    },
  };
  return store;
}

/** A row of the `jobs` table. */
export interface JobDbRow {
  id: number;
  address: string;
  market: string;
  project: string;
  payer: string;
  node: string | null;
  state: number;
  status: IndexedJobStatus;
  price: string;
  timeout: number;
  time_start: number;
  time_end: number;
  definition: string;
  result: string | null;
  posted_at: number | null;
  claimed_at: number | null;
  closed: number;
  slot: number;
}

/** A row of the `runs` table. */
export interface RunDbRow {
  address: string;
  job: string;
  node: string;
  time: number;
  closed: number;
  slot: number;
}

/** A row of the `markets` table. */
export interface MarketDbRow {
  address: string;
  authority: string;
  job_price: string;
  job_timeout: number;
  job_expiration: number;
  job_type: number;
  node_access_key: string;
  node_xnos_minimum: string;
  queue_type: number;
  queue: string;
  closed: number;
  slot: number;
}
