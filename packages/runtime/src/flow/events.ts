/** What a flow reports while it runs, and why ops are stopped. */
import type { EndpointStatus, FlowState, LogEntry, OpStatus } from '@nosana/core';
import type { PullProgress } from '../engine/types.js';

/** Why running ops were stopped. */
export type StopReason = 'stopped' | 'expired' | 'shutdown';

/** Events a flow emits while it runs. */
export type RuntimeEvent =
  | {
      type: 'op-status';
      jobId: string;
      opId: string;
      status: OpStatus;
      exitCode?: number | null;
      error?: string;
    }
  | { type: 'log'; jobId: string; opId: string; entry: LogEntry }
  | { type: 'pull'; jobId: string; opId: string; progress: PullProgress }
  | { type: 'endpoint'; jobId: string; opId: string; port: number; url: string; status: EndpointStatus }
  | { type: 'flow-finished'; jobId: string; state: FlowState };

/** Labels on everything the runtime creates. */
export const LABELS = {
  managed: 'org.nosana.managed',
  scope: 'org.nosana.scope',
  job: 'org.nosana.job',
  op: 'org.nosana.op',
} as const;
