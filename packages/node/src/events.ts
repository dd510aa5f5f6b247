/** What a node reports while it works: its state and events, for a terminal, a log or a test. */
import type { FlowState } from '@nosana/core';
import type { PullProgress, RuntimeEvent } from '@nosana/runtime';
import type { CheckResult } from './checks.js';
import type { PrePullResult } from './pre-pull.js';
import type { RecoveryAction } from './recovery.js';
import type { ServiceEvent } from './services.js';
import type { SettlementAction } from './settlement.js';

/** What the node is doing. */
export type NodeState =
  | 'starting'
  | 'recovering'
  /** Pulling the market's required images before joining its queue. */
  | 'preparing'
  | 'queued'
  | 'running'
  | 'stopping'
  | 'stopped';

/** An image the node pre-pulls (`GET /node/info` → `images`). */
export interface NodeImageStatus {
  image: string;
  state: 'pending' | 'pulling' | PrePullResult['outcome'];
  /** While pulling: the latest progress. */
  progress?: PullProgress;
  ms?: number;
  bytes?: number;
  error?: { code?: string; message: string };
}

/** Events for a terminal or a log. */
export type NodeEvent =
  | { type: 'check'; check: CheckResult }
  | { type: 'state'; state: NodeState; market?: string }
  | { type: 'job-started'; job: string; run: string }
  | {
      type: 'job-finished';
      job: string;
      status: FlowState['status'];
      result: string;
      action: SettlementAction;
      payout: bigint;
      /** The full result could not be pinned: a shortened one was posted. */
      replaced?: boolean;
    }
  | { type: 'job-recovered'; job: string; action: RecoveryAction }
  | { type: 'runtime'; event: RuntimeEvent }
  /** Progress of a pre-pull (throttled by the runtime; not written to the node's log). */
  | { type: 'image-pull'; image: string; progress: PullProgress }
  /** A pre-pulled image's outcome: present, pulled (with time and bytes) or failed (with the coded error). */
  | { type: 'image-ready'; result: PrePullResult }
  /** The image cache evicted a least recently used image to stay under the operator's limit. */
  | { type: 'image-evicted'; image: string; bytes: number; lastUsed: number }
  /** A service exposed on (or withdrawn from, or refused by) the node's gateway. */
  | ServiceEvent
  /**
   * A service came online for the first time; the node remembers it (durably, before this event), so after a
   * restart it meters the service from its publication even if it never passes a check again.
   */
  | { type: 'service-online'; job: string; op: string; port: number }
  /** A service stayed unhealthy past the grace period: the node ends its job early (failed, paid for the time served). */
  | { type: 'service-unhealthy'; job: string; op: string; port: number; since: number; reason: string }
  | { type: 'warning'; message: string };
