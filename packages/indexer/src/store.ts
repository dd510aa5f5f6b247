/**
 * The indexer's SQLite database (better-sqlite3): rows of the Jobs program's accounts, the derived facts a
 * dashboard needs, and an append-only log of changes. Writes are idempotent and ordered by slot: an update
 * older than what a row already holds is ignored, so a backfill and the live stream can overlap freely.
 */

import { NosanaError } from '@nosana/core';
import Database from 'better-sqlite3';
import './errors.js';
import type { IndexedJobStatus, JobRow, MarketRow, RunRow } from './rows.js';
import { SCHEMA } from './schema.js';
import { createWrites } from './writes.js';

export type { JobDbRow, MarketDbRow, RunDbRow } from './schema.js';

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
  const writes = createWrites(db, record);
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
    putJob: tx(writes.putJob),
    putRun: tx(writes.putRun),
    putMarket: tx(writes.putMarket),
    /** Marks an account closed at `slot` (a delisted or cleaned job, a finished run, a closed market). */
    close: tx(writes.close),
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
