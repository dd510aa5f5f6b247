/**
 * Keeps a result under the size clients read (16 MiB): logs are cut in the middle, with a line saying how much was
 * removed, before the result is pinned. A result that cannot be pinned at all is replaced by a small one that says
 * so.
 */
import type { FlowState, LogEntry, OpState } from '@nosana/core';

/** The largest result clients read (`getJson` default): 16 MiB. */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;

/** Room kept for the markers and rounding. */
const SLACK_BYTES = 4096;
/** A single line is cut to this when a result is over the limit. */
const MAX_LINE_CHARS = 64 * 1024;

/** Bytes of the pinned (canonical) JSON: key order aside it is `JSON.stringify`'s text, which is much faster. */
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const lineBytes = (entry: LogEntry) => Buffer.byteLength(JSON.stringify(entry)) + 1;

/** Result of {@link capResult}. */
export interface CapResultResult {
  flow: FlowState;
  /** Bytes of the pinned document before and after. */
  before: number;
  after: number;
  truncated: boolean;
}

/**
 * Cuts the logs of a result so that its canonical JSON fits in `maxBytes`: each op keeps the first and the last
 * lines of its share of the room, and a `nodeerr` line in between says how many lines and bytes were removed.
 *
 * @example
 * ```ts
 * const { flow, truncated } = capResult(state, MAX_RESULT_BYTES);
 * ```
 */
export function capResult(flow: FlowState, maxBytes: number = MAX_RESULT_BYTES): CapResultResult {
  const before = bytes(flow);
  if (before <= maxBytes) return { flow, before, after: before, truncated: false };
  const bare: FlowState = { ...flow, opStates: flow.opStates.map((op) => ({ ...op, logs: [] })) };
  const budget = maxBytes - bytes(bare) - SLACK_BYTES * (flow.opStates.length + 1);
  let capped: FlowState;
  if (budget <= 0) {
    capped = unpinnableResult(flow, `it is ${before} bytes, more than ${maxBytes} even without logs`);
  } else {
    const withLogs = flow.opStates.filter((op) => op.logs.length > 0).length || 1;
    const share = Math.floor(budget / withLogs);
    capped = { ...flow, opStates: flow.opStates.map((op) => cutLogs(op, share, maxBytes)) };
  }
  const after = bytes(capped);
  return { flow: capped, before, after, truncated: true };
}

function cutLogs(op: OpState, share: number, maxBytes: number): OpState {
  let cut = false;
  const logs = op.logs.map((entry) => {
    if (entry.log.length <= MAX_LINE_CHARS) return entry;
    cut = true;
    return { ...entry, log: `${entry.log.slice(0, MAX_LINE_CHARS)}… [line cut by the node]` };
  });
  const total = logs.reduce((sum, entry) => sum + lineBytes(entry), 0);
  if (total <= share) return cut ? { ...op, logs, logsTruncated: true } : op;
  const half = Math.floor(share / 2);
  let head = 0;
  let used = 0;
  while (head < logs.length && used + lineBytes(logs[head]!) <= half) used += lineBytes(logs[head++]!);
  let tail = logs.length;
  used = 0;
  while (tail > head && used + lineBytes(logs[tail - 1]!) <= half) used += lineBytes(logs[--tail]!);
  const removed = logs.slice(head, tail);
  if (removed.length === 0) return { ...op, logs, logsTruncated: true };
  const removedBytes = removed.reduce((sum, entry) => sum + lineBytes(entry), 0);
  const marker: LogEntry = {
    type: 'nodeerr',
    log: `[nosana node] ${removed.length} log lines (${removedBytes} bytes) removed here to keep the result under ${maxBytes} bytes`,
    timestamp: removed[0]!.timestamp,
  };
  return { ...op, logs: [...logs.slice(0, head), marker, ...logs.slice(tail)], logsTruncated: true };
}

/**
 * The small result posted in place of one that cannot be pinned: the flow's status and each op's status, exit code
 * and error, no logs, and an error saying why.
 *
 * @example
 * ```ts
 * const small = unpinnableResult(state, 'IPFS refused it: too large');
 * ```
 */
export function unpinnableResult(flow: FlowState, reason: string): FlowState {
  const note = `the node could not pin the full result (${reason}); this shortened result keeps each op's status but not its logs`;
  return {
    status: flow.status,
    startTime: flow.startTime,
    endTime: flow.endTime,
    errors: [...(flow.errors ?? []).slice(0, 20), { message: note, code: 'NODE__RESULT_REPLACED' }],
    opStates: flow.opStates.map((op) => ({
      providerId: op.providerId,
      operationId: op.operationId,
      group: op.group,
      status: op.status,
      startTime: op.startTime,
      endTime: op.endTime,
      exitCode: op.exitCode,
      logs: [{ type: 'nodeerr', log: `[nosana node] ${note}`, timestamp: op.endTime ?? flow.startTime }],
      logsTruncated: true,
      ...(op.error ? { error: { ...op.error, message: op.error.message.slice(0, 4096) } } : {}),
      ...(op.diagnostics ? { diagnostics: op.diagnostics } : {}),
    })),
  };
}
