import { NosanaError } from '@nosana/core';
import type Database from 'better-sqlite3';
import {
  type Intent,
  openDatabase,
  type Row,
  type StoredJob,
  toDeployment,
  toIntent,
  toJob,
  updateColumns,
} from './store-database.js';
import type { Deployment, DeploymentEvent, Revision } from './types.js';
import './errors.js';

export type { Intent, StoredJob } from './store-database.js';

/** The prepared statements of the store. */
function prepare(db: Database.Database) {
  return {
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
}
type Statements = ReturnType<typeof prepare>;

/** The desired side: deployments and their revisions. */
function desiredState(db: Database.Database, q: Statements, path: string) {
  const desired = {
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
      updateColumns(
        db,
        'deployments',
        'id',
        {
          name: 'name',
          status: 'status',
          replicas: 'replicas',
          budget: 'budget',
          activeRevision: 'active_revision',
          lastFiring: 'last_firing',
          startedAt: 'started_at',
          updatedAt: 'updated_at',
        },
        patch,
        id,
      );
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
      (q.revisions.all(deployment) as Row[]).map((r) => desired.revision(deployment, r.revision as number)),
  };
  return desired;
}

/** The observed side and the log: the jobs listed, the intents recorded, the events. */
function observedState(db: Database.Database, q: Statements) {
  return {
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
      updateColumns(
        db,
        'jobs',
        'address',
        {
          state: 'state',
          price: 'price',
          timeout: 'timeout',
          timeStart: 'time_start',
          timeEnd: 'time_end',
          stoppedBy: 'stopped_by',
        },
        patch,
        address,
      );
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
  };
}

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
  const db = openDatabase(path);
  const q = prepare(db);
  return {
    ...desiredState(db, q, path),
    ...observedState(db, q),
    /** Runs `fn` in one transaction. */
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    close() {
      db.close();
    },
  };
}
