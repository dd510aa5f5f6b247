/**
 * The deployments database itself: the schema, opening it (mode 0600, WAL, `synchronous=FULL`), and the mapping of
 * its rows to the package's types.
 */
import { chmodSync, closeSync, openSync } from 'node:fs';
import { NosanaError } from '@nosana/core';
import Database from 'better-sqlite3';
import type { Action, Deployment, ObservedJob, StopReason } from './types.js';
import './errors.js';

/** A recorded intent: an action written down before its transaction is sent. */
export interface Intent {
  id: number;
  deployment: string;
  kind: Action['kind'];
  job: string;
  /** LIST: the job/run secret keys (base64), market, cid, timeout; EXTEND: the absolute timeout. */
  payload: Record<string, unknown>;
  status: 'pending' | 'done' | 'failed';
  error: string | null;
  createdAt: number;
}

/** A job row as stored (what the chain said last, plus the manager's own bookkeeping). */
export type StoredJob = Omit<ObservedJob, 'pending'> & { deployment: string };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deployments (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, market TEXT NOT NULL, owner TEXT NOT NULL, status TEXT NOT NULL,
  strategy TEXT NOT NULL, replicas INTEGER NOT NULL, timeout INTEGER NOT NULL, schedule TEXT, rotation INTEGER NOT NULL,
  budget TEXT NOT NULL, active_revision INTEGER NOT NULL, last_firing INTEGER, started_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS revisions (
  deployment TEXT NOT NULL, revision INTEGER NOT NULL, cid TEXT, definition TEXT NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (deployment, revision));
CREATE TABLE IF NOT EXISTS jobs (
  address TEXT PRIMARY KEY, deployment TEXT NOT NULL, revision INTEGER NOT NULL, listed_at INTEGER NOT NULL,
  firing INTEGER, state TEXT NOT NULL, price TEXT NOT NULL, timeout INTEGER NOT NULL, time_start INTEGER NOT NULL,
  time_end INTEGER NOT NULL, stopped_by TEXT);
CREATE INDEX IF NOT EXISTS jobs_by_deployment ON jobs (deployment);
CREATE TABLE IF NOT EXISTS intents (
  id INTEGER PRIMARY KEY AUTOINCREMENT, deployment TEXT NOT NULL, kind TEXT NOT NULL, job TEXT NOT NULL,
  payload TEXT NOT NULL, status TEXT NOT NULL, error TEXT, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS pending_intents ON intents (status);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, deployment TEXT NOT NULL, at INTEGER NOT NULL, type TEXT NOT NULL,
  message TEXT NOT NULL, job TEXT);
CREATE INDEX IF NOT EXISTS events_by_deployment ON events (deployment, id);
`;

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;
export const toDeployment = (r: Row): Deployment => ({
  id: r.id as string,
  name: r.name as string,
  market: r.market as string,
  owner: r.owner as string,
  status: r.status as Deployment['status'],
  strategy: r.strategy as Deployment['strategy'],
  replicas: r.replicas as number,
  timeout: r.timeout as number,
  schedule: (r.schedule as string | null) ?? null,
  rotation: r.rotation as number,
  budget: BigInt(r.budget as string),
  activeRevision: r.active_revision as number,
  lastFiring: (r.last_firing as number | null) ?? null,
  startedAt: r.started_at as number,
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});
export const toJob = (r: Row): StoredJob => ({
  address: r.address as string,
  deployment: r.deployment as string,
  revision: r.revision as number,
  listedAt: r.listed_at as number,
  firing: (r.firing as number | null) ?? null,
  state: r.state as StoredJob['state'],
  price: BigInt(r.price as string),
  timeout: r.timeout as number,
  timeStart: r.time_start as number,
  timeEnd: r.time_end as number,
  stoppedBy: (r.stopped_by as StopReason | null) ?? null,
});
export const toIntent = (r: Row): Intent => ({
  id: r.id as number,
  deployment: r.deployment as string,
  kind: r.kind as Intent['kind'],
  job: r.job as string,
  payload: JSON.parse(r.payload as string) as Record<string, unknown>,
  status: r.status as Intent['status'],
  error: (r.error as string | null) ?? null,
  createdAt: r.created_at as number,
});

/**
 * Opens (creating when needed, mode 0600) the SQLite database at `path` with the schema; `:memory:` for a
 * throwaway one.
 *
 * @example
 * ```ts
 * const db = openDatabase('deployments.db');
 * ```
 */
export function openDatabase(path: string): Database.Database {
  try {
    if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
    if (path !== ':memory:') chmodSync(path, 0o600);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    throw new NosanaError(
      'DEPLOY__STORE_UNAVAILABLE',
      `cannot open the deployments database ${path}: ${(error as Error).message} — check the path and its permissions`,
      { path },
      { cause: error },
    );
  }
}

/**
 * `UPDATE <table> SET <columns of patch> WHERE <key> = ?`, for the fields of `patch` that have a column
 * (bigints stored as text).
 */
export function updateColumns(
  db: Database.Database,
  table: string,
  key: string,
  columns: Record<string, string>,
  patch: Record<string, unknown>,
  id: string,
): void {
  const entries = Object.entries(patch).filter(([field]) => field in columns);
  if (entries.length === 0) return;
  const sql = `UPDATE ${table} SET ${entries.map(([field]) => `${columns[field]} = ?`).join(', ')} WHERE ${key} = ?`;
  db.prepare(sql).run(...entries.map(([, v]) => (typeof v === 'bigint' ? v.toString() : v)), id);
}
