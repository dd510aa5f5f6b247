/** The indexer database's tables and their row types. */
import type { IndexedJobStatus } from './rows.js';

/** Creates the tables and indexes when missing (idempotent). */
export const SCHEMA = `
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
CREATE TABLE IF NOT EXISTS node_specs (
  address TEXT PRIMARY KEY, specs TEXT, fetched_at INTEGER, tried_at INTEGER NOT NULL, error TEXT, source TEXT
);
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, address TEXT NOT NULL, status TEXT,
  slot INTEGER NOT NULL
);
`;

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
