/**
 * Read-side queries of the indexer database: paginated job lists, job, market and node views with their derived
 * facts (timeline, cost, queue positions, medians, earnings), search, the change log and `explain`.
 */

import { type IndexedJobStatus, jobCost, median } from './rows.js';
import type { Change, IndexerStore, JobDbRow, MarketDbRow, RunDbRow } from './store.js';

/** Filters of {@link listJobs}. */
export interface ListJobsQuery {
  market?: string;
  node?: string;
  project?: string;
  status?: IndexedJobStatus;
  /** Page size (the API bounds it). */
  limit: number;
  /** Opaque cursor from the previous page (`nextCursor`). */
  cursor?: number;
}

/** A job as the API returns it. */
export interface JobJson {
  address: string;
  status: IndexedJobStatus;
  market: string;
  project: string;
  payer: string;
  node: string | null;
  definition: string;
  result: string | null;
  /** NOS base units per second. */
  price: string;
  timeout: number;
  /** NOS base units escrowed at posting (price × timeout). */
  deposit: string;
  /** NOS base units billed to the poster and paid to the node (price × min(elapsed, timeout)); "0" until done. */
  cost: string;
  timeline: {
    /** Chain time the indexer first saw the job (null when it was posted before the indexer started). */
    posted: number | null;
    claimed: number | null;
    started: number | null;
    finished: number | null;
    /** claimed − posted, seconds. */
    waitSeconds: number | null;
    /** finished − started, seconds. */
    runSeconds: number | null;
  };
  closed: boolean;
  slot: number;
}

const positive = (n: number | null) => (n && n > 0 ? n : null);

/** The API view of a job row. */
export function jobJson(row: JobDbRow): JobJson {
  const started = positive(row.time_start) ?? positive(row.claimed_at);
  const finished = positive(row.time_end);
  return {
    address: row.address,
    status: row.status,
    market: row.market,
    project: row.project,
    payer: row.payer,
    node: row.node,
    definition: row.definition,
    result: row.result,
    price: row.price,
    timeout: row.timeout,
    deposit: (BigInt(row.price) * BigInt(row.timeout)).toString(),
    cost: jobCost({
      price: row.price,
      timeout: row.timeout,
      timeStart: row.time_start,
      timeEnd: row.time_end,
    }).toString(),
    timeline: {
      posted: row.posted_at,
      claimed: row.claimed_at,
      started,
      finished,
      waitSeconds: row.posted_at !== null && row.claimed_at !== null ? row.claimed_at - row.posted_at : null,
      runSeconds: started !== null && finished !== null ? finished - started : null,
    },
    closed: row.closed === 1,
    slot: row.slot,
  };
}

/**
 * One page of jobs, newest first, with the cursor of the next page (null on the last one).
 *
 * @example
 * ```ts
 * const { items, nextCursor } = listJobs(store, { market, status: 'QUEUED', limit: 50 });
 * ```
 */
export function listJobs(
  store: IndexerStore,
  query: ListJobsQuery,
): { items: JobJson[]; nextCursor: number | null } {
  const where: string[] = [];
  const args: Array<string | number> = [];
  for (const [column, value] of [
    ['market', query.market],
    ['node', query.node],
    ['project', query.project],
    ['status', query.status],
  ] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      args.push(value);
    }
  }
  if (query.cursor !== undefined) {
    where.push('id < ?');
    args.push(query.cursor);
  }
  const rows = store.db
    .prepare<unknown[], JobDbRow>(
      `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    )
    .all(...args, query.limit + 1);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  return { items: page.map(jobJson), nextCursor: more ? page[page.length - 1]!.id : null };
}

/** A job by address, with its runs (null when unknown). */
export function getJob(store: IndexerStore, address: string): (JobJson & { runs: RunDbRow[] }) | null {
  const row = store.db.prepare<[string], JobDbRow>('SELECT * FROM jobs WHERE address = ?').get(address);
  if (!row) return null;
  const runs = store.db
    .prepare<[string], RunDbRow>('SELECT * FROM runs WHERE job = ? ORDER BY time')
    .all(address);
  return { ...jobJson(row), runs };
}

/** A market with its queue and observed statistics. */
export interface MarketJson {
  address: string;
  authority: string;
  /** NOS base units per second, and per hour. */
  jobPrice: string;
  pricePerHour: string;
  jobTimeout: number;
  jobExpiration: number;
  nodeXnosMinimum: string;
  nodeAccessKey: string;
  queue: { kind: 'jobs' | 'nodes' | 'empty'; entries: Array<{ position: number; address: string }> };
  nodes: { known: number; busy: number; queued: number };
  jobs: { queued: number; running: number; lastHour: number };
  /** Median seconds from posting to claim, and from start to finish, over the last 200 jobs. */
  medianWaitSeconds: number | null;
  medianRunSeconds: number | null;
  /** Jobs claimed per hour over the last 24 hours of chain time (null without claims). */
  claimsPerHour: number | null;
  closed: boolean;
}

const QUEUE_KIND = { 0: 'jobs', 1: 'nodes' } as Record<number, 'jobs' | 'nodes'>;

/** The chain time the indexer last saw (unix seconds), or the wall clock before it saw any. */
export function chainNow(store: IndexerStore): number {
  return Number(store.meta('chainTime') ?? Math.floor(Date.now() / 1000));
}

function marketJson(store: IndexerStore, row: MarketDbRow): MarketJson {
  const queue = JSON.parse(row.queue) as string[];
  const kind = queue.length === 0 ? 'empty' : (QUEUE_KIND[row.queue_type] ?? 'empty');
  const now = chainNow(store);
  const count = (sql: string, since = 0) =>
    store.db
      .prepare<[{ market: string; since: number }], { n: number }>(sql)
      .get({ market: row.address, since })!.n;
  const recent = store.db
    .prepare<
      [string],
      { posted_at: number | null; claimed_at: number | null; time_start: number; time_end: number }
    >(
      'SELECT posted_at, claimed_at, time_start, time_end FROM jobs WHERE market = ? ORDER BY id DESC LIMIT 200',
    )
    .all(row.address);
  const waits = recent.flatMap((j) =>
    j.posted_at !== null && j.claimed_at !== null ? [j.claimed_at - j.posted_at] : [],
  );
  const runs = recent.flatMap((j) => (j.time_start > 0 && j.time_end > 0 ? [j.time_end - j.time_start] : []));
  const claims = count(
    'SELECT count(*) AS n FROM runs r JOIN jobs j ON j.address = r.job WHERE j.market = @market AND r.time >= @since',
    now - 86_400,
  );
  const busy = count(
    'SELECT count(DISTINCT r.node) AS n FROM runs r JOIN jobs j ON j.address = r.job WHERE j.market = @market AND r.closed = 0',
  );
  const known = count(
    `SELECT count(*) AS n FROM (SELECT r.node FROM runs r JOIN jobs j ON j.address = r.job WHERE j.market = @market
       UNION SELECT value FROM markets m, json_each(m.queue) WHERE m.address = @market AND m.queue_type = 1)`,
  );
  return {
    address: row.address,
    authority: row.authority,
    jobPrice: row.job_price,
    pricePerHour: (BigInt(row.job_price) * 3600n).toString(),
    jobTimeout: row.job_timeout,
    jobExpiration: row.job_expiration,
    nodeXnosMinimum: row.node_xnos_minimum,
    nodeAccessKey: row.node_access_key,
    queue: { kind, entries: queue.map((address, i) => ({ position: i + 1, address })) },
    nodes: { known, busy, queued: kind === 'nodes' ? queue.length : 0 },
    jobs: {
      queued: count("SELECT count(*) AS n FROM jobs WHERE market = @market AND status = 'QUEUED'"),
      running: count("SELECT count(*) AS n FROM jobs WHERE market = @market AND status = 'RUNNING'"),
      lastHour: count(
        'SELECT count(*) AS n FROM jobs WHERE market = @market AND coalesce(posted_at, time_start) >= @since',
        now - 3600,
      ),
    },
    medianWaitSeconds: median(waits),
    medianRunSeconds: median(runs),
    claimsPerHour: claims > 0 ? claims / 24 : null,
    closed: row.closed === 1,
  };
}

/** Every market the indexer knows. */
export function listMarkets(store: IndexerStore): MarketJson[] {
  return store.db
    .prepare<[], MarketDbRow>('SELECT * FROM markets ORDER BY address')
    .all()
    .map((row) => marketJson(store, row));
}

/** A market by address (null when unknown). */
export function getMarket(store: IndexerStore, address: string): MarketJson | null {
  const row = store.db.prepare<[string], MarketDbRow>('SELECT * FROM markets WHERE address = ?').get(address);
  return row ? marketJson(store, row) : null;
}

/** Jobs finished per hour in a market (or all markets), for charts: the last `hours` hours of chain time. */
export function throughput(
  store: IndexerStore,
  hours: number,
  market?: string,
): Array<{ hour: number; finished: number }> {
  const now = chainNow(store);
  const from = Math.floor((now - hours * 3600) / 3600) * 3600;
  const rows = store.db
    .prepare<unknown[], { hour: number; n: number }>(
      `SELECT (time_end / 3600) * 3600 AS hour, count(*) AS n FROM jobs
       WHERE time_end >= ? ${market ? 'AND market = ?' : ''} GROUP BY hour`,
    )
    .all(from, ...(market ? [market] : []));
  const byHour = new Map(rows.map((r) => [r.hour, r.n]));
  return Array.from({ length: hours + 1 }, (_, i) => from + i * 3600).map((hour) => ({
    hour,
    finished: byHour.get(hour) ?? 0,
  }));
}

/** A node: where it waits, what it runs, what it ran and earned. */
export interface NodeJson {
  address: string;
  firstSeen: number | null;
  lastSeen: number | null;
  queue: Array<{ market: string; position: number; length: number }>;
  current: JobJson[];
  jobsRun: number;
  completed: number;
  stopped: number;
  /** completed / (completed + stopped), null before any finished job. */
  successRate: number | null;
  /** NOS base units earned (sum of the cost of the jobs it finished). */
  earnings: string;
  /** Earnings per day of chain time, for charts. */
  earningsByDay: Array<{ day: number; earnings: string }>;
}

/** A node by address (null when the indexer never saw it). */
export function getNode(store: IndexerStore, address: string): NodeJson | null {
  const seen = store.db
    .prepare<[string], { first_seen: number | null; last_seen: number | null }>(
      'SELECT * FROM nodes WHERE address = ?',
    )
    .get(address);
  if (!seen) return null;
  const queue = store.db
    .prepare<[string], { market: string; position: number; length: number }>(
      `SELECT m.address AS market, CAST(q.key AS INTEGER) + 1 AS position, json_array_length(m.queue) AS length
       FROM markets m, json_each(m.queue) q WHERE m.queue_type = 1 AND q.value = ?`,
    )
    .all(address);
  const current = store.db
    .prepare<[string], JobDbRow>(
      "SELECT j.* FROM jobs j JOIN runs r ON r.job = j.address WHERE r.node = ? AND r.closed = 0 AND j.status = 'RUNNING'",
    )
    .all(address)
    .map(jobJson);
  const done = store.db
    .prepare<[string], JobDbRow>("SELECT * FROM jobs WHERE node = ? AND status IN ('COMPLETED', 'STOPPED')")
    .all(address);
  let earnings = 0n;
  const byDay = new Map<number, bigint>();
  let completed = 0;
  for (const job of done) {
    if (job.status === 'COMPLETED') completed += 1;
    const cost = jobCost({
      price: job.price,
      timeout: job.timeout,
      timeStart: job.time_start,
      timeEnd: job.time_end,
    });
    earnings += cost;
    const day = Math.floor(job.time_end / 86_400) * 86_400;
    byDay.set(day, (byDay.get(day) ?? 0n) + cost);
  }
  const stopped = done.length - completed;
  return {
    address,
    firstSeen: seen.first_seen,
    lastSeen: seen.last_seen,
    queue,
    current,
    jobsRun: done.length + current.length,
    completed,
    stopped,
    successRate: done.length ? completed / done.length : null,
    earnings: earnings.toString(),
    earningsByDay: [...byDay]
      .sort((a, b) => a[0] - b[0])
      .map(([day, e]) => ({ day, earnings: e.toString() })),
  };
}

/** What an address or CID is: a job (by address, definition or result CID), a market, or a node. */
export function search(
  store: IndexerStore,
  q: string,
): Array<{ kind: 'job' | 'market' | 'node'; address: string }> {
  const hits: Array<{ kind: 'job' | 'market' | 'node'; address: string }> = [];
  const job = store.db
    .prepare<[string, string, string], { address: string }>(
      'SELECT address FROM jobs WHERE address = ? OR definition = ? OR result = ? ORDER BY id DESC LIMIT 20',
    )
    .all(q, q, q);
  for (const j of job) hits.push({ kind: 'job', address: j.address });
  if (store.db.prepare('SELECT 1 FROM markets WHERE address = ?').get(q))
    hits.push({ kind: 'market', address: q });
  if (store.db.prepare('SELECT 1 FROM nodes WHERE address = ?').get(q))
    hits.push({ kind: 'node', address: q });
  return hits;
}

/** Changes after `since` (a `seq`), oldest first. */
export function changesSince(store: IndexerStore, since: number, limit: number): Change[] {
  return store.db
    .prepare<[number, number], Change>(
      'SELECT seq, kind, address, status, slot FROM changes WHERE seq > ? ORDER BY seq LIMIT ?',
    )
    .all(since, limit);
}
