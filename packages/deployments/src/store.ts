import { chmodSync, closeSync, openSync } from 'node:fs';
import { NosanaError } from '@nosana/core';
import Database from 'better-sqlite3';
import type { Action, Deployment, DeploymentEvent, ObservedJob, Revision, StopReason } from './types.js';
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

type Row = Record<string, unknown>;
const toDeployment = (r: Row): Deployment => ({
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
const toJob = (r: Row): StoredJob => ({
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
const toIntent = (r: Row): Intent => ({
  id: r.id as number,
  deployment: r.deployment as string,
  kind: r.kind as Intent['kind'],
  job: r.job as string,
  payload: JSON.parse(r.payload as string) as Record<string, unknown>,
  status: r.status as Intent['status'],
  error: (r.error as string | null) ?? null,
  createdAt: r.created_at as number,
});

/** The manager's durable state, returned by {@link openStore}. */
export type DeploymentStore = ReturnType<typeof openStore>;

/**
 * Opens (creating when needed, mode 0600) the manager's SQLite database: deployments, revisions, the jobs it
 * listed, recorded intents and events. Writes are synchronous and transactional, so a crash leaves either the
 * whole step or none of it. `:memory:` gives a throwaway store.
 *
 * @example
 * ```ts
 * const store = openStore('~/.nosana/deployments.db');
 * store.deployments();
 * store.close();
 * ```
 */
export function openStore(path: string) {
  let db: Database.Database;
  try {
    if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
    if (path !== ':memory:') chmodSync(path, 0o600);
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
  } catch (error) {
    throw new NosanaError(
      'DEPLOY__STORE_UNAVAILABLE',
      `cannot open the deployments database ${path}: ${(error as Error).message} — check the path and its permissions`,
      { path },
      { cause: error },
    );
  }
  const q = {
    deployment: db.prepare('SELECT * FROM deployments WHERE id = ?'),
    deployments: db.prepare('SELECT * FROM deployments ORDER BY created_at'),
    insertDeployment: db.prepare(
      `INSERT INTO deployments VALUES (@id, @name, @market, @owner, @status, @strategy, @replicas, @timeout, @schedule,
       @rotation, @budget, @activeRevision, @lastFiring, @startedAt, @createdAt, @updatedAt)`,
    ),
    revision: db.prepare('SELECT * FROM revisions WHERE deployment = ? AND revision = ?'),
    revisions: db.prepare('SELECT * FROM revisions WHERE deployment = ? ORDER BY revision'),
    insertRevision: db.prepare('INSERT INTO revisions VALUES (?, ?, ?, ?, ?)'),
    jobs: db.prepare('SELECT * FROM jobs WHERE deployment = ? ORDER BY listed_at'),
    job: db.prepare('SELECT * FROM jobs WHERE address = ?'),
    insertJob: db.prepare(
      `INSERT INTO jobs VALUES (@address, @deployment, @revision, @listedAt, @firing, @state, @price, @timeout,
       @timeStart, @timeEnd, @stoppedBy)`,
    ),
    insertIntent: db.prepare(
      "INSERT INTO intents (deployment, kind, job, payload, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
    ),
    settleIntent: db.prepare('UPDATE intents SET status = ?, error = ? WHERE id = ?'),
    pending: db.prepare("SELECT * FROM intents WHERE status = 'pending' ORDER BY id"),
    intents: db.prepare('SELECT * FROM intents WHERE deployment = ? ORDER BY id'),
    insertEvent: db.prepare('INSERT INTO events (deployment, at, type, message, job) VALUES (?, ?, ?, ?, ?)'),
    events: db.prepare('SELECT * FROM events WHERE deployment = ? AND id > ? ORDER BY id LIMIT ?'),
  };

  const store = {
    deployment(id: string): Deployment {
      const row = q.deployment.get(id) as Row | undefined;
      if (!row) {
        throw new NosanaError(
          'DEPLOY__NOT_FOUND',
          `no deployment ${id} in ${path} — list them with \`nosana deployment list\``,
          { id },
        );
      }
      return toDeployment(row);
    },
    deployments: (): Deployment[] => (q.deployments.all() as Row[]).map(toDeployment),
    /** Stores a new deployment with its first revision. */
    create(deployment: Deployment, revision: Omit<Revision, 'deployment'>): void {
      db.transaction(() => {
        q.insertDeployment.run({ ...deployment, budget: deployment.budget.toString() });
        q.insertRevision.run(
          deployment.id,
          revision.revision,
          revision.cid,
          JSON.stringify(revision.definition),
          revision.createdAt,
        );
      })();
    },
    /** Changes fields of a deployment. */
    update(id: string, patch: Partial<Omit<Deployment, 'id'>>) {
      const columns: Record<string, string> = {
        name: 'name',
        status: 'status',
        replicas: 'replicas',
        budget: 'budget',
        activeRevision: 'active_revision',
        lastFiring: 'last_firing',
        startedAt: 'started_at',
        updatedAt: 'updated_at',
      };
      const entries = Object.entries(patch).filter(([key]) => key in columns);
      if (entries.length === 0) return;
      const sql = `UPDATE deployments SET ${entries.map(([key]) => `${columns[key]} = ?`).join(', ')} WHERE id = ?`;
      db.prepare(sql).run(...entries.map(([, v]) => (typeof v === 'bigint' ? v.toString() : v)), id);
    },
    addRevision(revision: Revision) {
      q.insertRevision.run(
        revision.deployment,
        revision.revision,
        revision.cid,
        JSON.stringify(revision.definition),
        revision.createdAt,
      );
    },
    revision(deployment: string, revision: number): Revision {
      const row = q.revision.get(deployment, revision) as Row | undefined;
      if (!row)
        throw new NosanaError('DEPLOY__NOT_FOUND', `deployment ${deployment} has no revision ${revision}`, {
          id: deployment,
        });
      return {
        deployment,
        revision,
        cid: row.cid as Revision['cid'],
        definition: JSON.parse(row.definition as string),
        createdAt: row.created_at as number,
      };
    },
    revisions: (deployment: string) =>
      (q.revisions.all(deployment) as Row[]).map((r) => store.revision(deployment, r.revision as number)),
    jobs: (deployment: string): StoredJob[] => (q.jobs.all(deployment) as Row[]).map(toJob),
    job(address: string): StoredJob | undefined {
      const row = q.job.get(address) as Row | undefined;
      return row ? toJob(row) : undefined;
    },
    /** Records what the chain says about a job (and, optionally, that the manager stopped it). */
    updateJob(
      address: string,
      patch: Partial<Pick<StoredJob, 'state' | 'price' | 'timeout' | 'timeStart' | 'timeEnd' | 'stoppedBy'>>,
    ) {
      const columns: Record<string, string> = {
        state: 'state',
        price: 'price',
        timeout: 'timeout',
        timeStart: 'time_start',
        timeEnd: 'time_end',
        stoppedBy: 'stopped_by',
      };
      const entries = Object.entries(patch).filter(([key]) => key in columns);
      if (entries.length === 0) return;
      const sql = `UPDATE jobs SET ${entries.map(([key]) => `${columns[key]} = ?`).join(', ')} WHERE address = ?`;
      db.prepare(sql).run(...entries.map(([, v]) => (typeof v === 'bigint' ? v.toString() : v)), address);
    },
    /**
     * Records a LIST before it is sent: the job row (state PENDING, its address fixed by the stored keypair) and
     * the pending intent, in one transaction.
     */
    recordList(job: StoredJob, payload: Record<string, unknown>, at: number): number {
      return db.transaction(() => {
        q.insertJob.run({ ...job, price: job.price.toString() });
        return Number(
          q.insertIntent.run(job.deployment, 'LIST', job.address, JSON.stringify(payload), at)
            .lastInsertRowid,
        );
      })();
    },
    /** Records an EXTEND or STOP before it is sent. */
    recordIntent(
      deployment: string,
      kind: 'EXTEND' | 'STOP',
      job: string,
      payload: Record<string, unknown>,
      at: number,
    ) {
      return Number(q.insertIntent.run(deployment, kind, job, JSON.stringify(payload), at).lastInsertRowid);
    },
    settleIntent(id: number, status: 'done' | 'failed', error: string | null = null) {
      q.settleIntent.run(status, error, id);
    },
    pendingIntents: (): Intent[] => (q.pending.all() as Row[]).map(toIntent),
    intents: (deployment: string): Intent[] => (q.intents.all(deployment) as Row[]).map(toIntent),
    event(deployment: string, at: number, type: string, message: string, job: string | null = null) {
      q.insertEvent.run(deployment, at, type, message, job);
    },
    events(deployment: string, after = 0, limit = 1000): DeploymentEvent[] {
      return (q.events.all(deployment, after, limit) as Row[]).map((r) => ({
        id: r.id as number,
        deployment: r.deployment as string,
        at: r.at as number,
        type: r.type as string,
        message: r.message as string,
        job: (r.job as string | null) ?? null,
      }));
    },
    /** Runs `fn` in one transaction. */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    close() {
      db.close();
    },
  };
  return store;
}
