/** Why a job is not running yet: its place in the queue, the market's nodes, and an ETA from observed rates. */
import { getJob, getMarket } from './queries.js';
import type { IndexerStore } from './store.js';

/**
 * Reason codes of {@link explainJob}, stable for scripts:
 * - `RUNNING` / `FINISHED` / `DELISTED` — the job is not waiting;
 * - `NO_NODES` — no node was ever seen in the market;
 * - `ALL_NODES_BUSY` — every node seen in the market runs a job; the job waits its turn;
 * - `NODES_NOT_QUEUED` — some nodes are idle but none waits in the market's queue (offline, or not re-queued);
 * - `MARKET_CLOSED` — the market account was closed: the job will never be matched; stop it to recover the deposit.
 */
export type ExplainReason =
  | 'RUNNING'
  | 'FINISHED'
  | 'DELISTED'
  | 'NO_NODES'
  | 'ALL_NODES_BUSY'
  | 'NODES_NOT_QUEUED'
  | 'MARKET_CLOSED';

/** The result of {@link explainJob}. */
export interface ExplainJobResult {
  job: string;
  status: string;
  reason: ExplainReason;
  /** One sentence for people. */
  message: string;
  market: string;
  /** 1-based position in the market's job queue (null when not queued). */
  position: number | null;
  queueLength: number;
  nodes: { known: number; busy: number; queued: number };
  /** Estimated seconds until a node claims the job, from the market's observed rate (null without data). */
  etaSeconds: number | null;
}

/**
 * Explains why a job is (not) running. Null when the indexer does not know the job.
 *
 * @example
 * ```ts
 * explainJob(store, 'Job111…')?.reason; // 'ALL_NODES_BUSY'
 * ```
 */
export function explainJob(store: IndexerStore, address: string): ExplainJobResult | null {
  const job = getJob(store, address);
  if (!job) return null;
  const market = getMarket(store, job.market);
  const queue = market?.queue.kind === 'jobs' ? market.queue.entries : [];
  const position = queue.find((e) => e.address === address)?.position ?? null;
  const nodes = market?.nodes ?? { known: 0, busy: 0, queued: 0 };
  const base = {
    job: address,
    status: job.status,
    market: job.market,
    position,
    queueLength: queue.length,
    nodes,
  };
  const done = (reason: ExplainReason, message: string, etaSeconds: number | null = null) => ({
    ...base,
    reason,
    message,
    etaSeconds,
  });
  if (job.status === 'RUNNING') return done('RUNNING', `the job runs on node ${job.node}`);
  if (job.status === 'DELISTED')
    return done('DELISTED', 'the job was delisted (stopped before a node took it)');
  if (job.status !== 'QUEUED') return done('FINISHED', `the job is ${job.status.toLowerCase()}`);
  if (!market || market.closed) {
    return done(
      'MARKET_CLOSED',
      'the market is closed: no node will take the job — stop it to recover the deposit',
    );
  }
  const ahead = position ?? queue.length + 1;
  let eta: number | null = null;
  if (market.claimsPerHour) eta = Math.round((ahead * 3600) / market.claimsPerHour);
  else if (market.medianRunSeconds !== null && nodes.known > 0) {
    eta = Math.round((ahead * market.medianRunSeconds) / nodes.known);
  }
  if (nodes.known === 0)
    return done('NO_NODES', 'no node has ever worked in this market: the job waits for one to join');
  if (nodes.busy >= nodes.known) {
    return done(
      'ALL_NODES_BUSY',
      `all ${nodes.known} node(s) of the market are busy; the job is number ${ahead} in the queue`,
      eta,
    );
  }
  return done(
    'NODES_NOT_QUEUED',
    `${nodes.known - nodes.busy} node(s) are idle but none waits in the queue (offline?); the job is number ${ahead}`,
    eta,
  );
}
