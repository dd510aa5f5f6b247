/**
 * The store's writes, each idempotent and ordered by slot (an update older than the row is ignored); they record
 * the changes they make. The store runs each in a transaction.
 */
import type Database from 'better-sqlite3';
import { type IndexedJobStatus, type JobRow, jobStatus, type MarketRow, type RunRow } from './rows.js';
import type { JobDbRow, MarketDbRow, RunDbRow } from './schema.js';
import type { Change } from './store.js';

/** Records a change (committed with the write's transaction). */
export type RecordChange = (
  kind: Change['kind'],
  address: string,
  status: IndexedJobStatus | null,
  slot: number,
) => void;

/** Prepares the write path's statements once. */
function prepareStatements(db: Database.Database) {
  return {
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
  };
}

/**
 * The write operations over the database (statements prepared once).
 *
 * @example
 * ```ts
 * const writes = createWrites(db, record);
 * db.transaction(writes.putJob)(row, slot, null);
 * ```
 */
export function createWrites(db: Database.Database, record: RecordChange) {
  const q = prepareStatements(db);
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

  const putJob = (row: JobRow, slot: number, chainTime: number | null): void => {
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
  };
  const putRun = (row: RunRow, slot: number): void => {
    const existing = q.run.get(row.address);
    if (existing && existing.slot > slot) return;
    q.upsertRun.run({ ...row, slot });
    seeNode(row.node, row.time);
    if (!existing || existing.closed === 1) record('run', row.address, null, slot);
    refreshJob(row.job, slot);
  };
  const putMarket = (row: MarketRow, slot: number, chainTime: number | null): void => {
    const existing = q.market.get(row.address);
    if (existing && existing.slot > slot) return;
    const queue = JSON.stringify(row.queue);
    q.upsertMarket.run({ ...row, queue, slot });
    if (row.queueType === 1) for (const node of row.queue) seeNode(node, chainTime);
    if (!existing || existing.queue !== queue || existing.job_price !== row.jobPrice || existing.closed === 1)
      record('market', row.address, null, slot);
  };
  const close = (address: string, slot: number): void => {
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
  };
  return { putJob, putRun, putMarket, close };
}
