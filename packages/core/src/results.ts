/**
 * The result of a job: the flow state the node pins to IPFS and whose CID it stores on chain with `finish`.
 * Compatible with the real Nosana `FlowState`.
 */
import type { ResultSpec, StdStream } from './job-definition/types.js';

/** Status of the whole flow. */
export type FlowStatus =
  | 'running'
  | 'success'
  | 'failed'
  | 'stopped'
  | 'waiting-for-job-definition'
  | 'waiting-for-result'
  | 'validation-error'
  | 'logistics-error'
  | 'init-error';

/** Status of one op. `success`, `failed` and `stopped` are final. */
export type OpStatus =
  | 'pending'
  | 'waiting'
  | 'pulling'
  | 'starting'
  | 'running'
  | 'restarting'
  | 'stopping'
  | 'success'
  | 'failed'
  | 'stopped';

/** One log line. */
export interface LogEntry {
  type: StdStream;
  log: string;
  /** Unix milliseconds. */
  timestamp: number;
}

/** Why an op ended the way it did. */
export interface OpDiagnostics {
  reason?: {
    hostShutDown?: boolean;
    jobStopped?: boolean;
    jobExpired?: boolean;
    reason?: string;
  };
  /** The engine's final container state (a subset of `docker inspect` State). */
  state?: {
    Status?: string;
    OOMKilled?: boolean;
    ExitCode?: number;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
    RestartCount?: number;
    Health?: { Status?: string; FailingStreak?: number };
  };
}

/** Status of an exposed service endpoint. */
export type EndpointStatus = 'ONLINE' | 'OFFLINE' | 'UNKNOWN';

/** A service an op exposes. */
export interface ExposedEndpoint {
  port: number | string;
  url: string;
  status: EndpointStatus;
}

/** State of one op. */
export interface OpState {
  /** The container id, once created. */
  providerId: string | null;
  operationId: string;
  group: string;
  status: OpStatus;
  /** Unix milliseconds. */
  startTime: number | null;
  endTime: number | null;
  exitCode: number | null;
  logs: LogEntry[];
  /** True when logs were cut at the per-op cap; a `nodeerr` line says so too. */
  logsTruncated?: boolean;
  results?: Record<string, string[]>;
  error?: { event: string; message: string; code?: string };
  diagnostics?: OpDiagnostics;
  endpoints?: ExposedEndpoint[];
}

/** State of a whole job run. */
export interface FlowState {
  status: FlowStatus;
  /** Unix milliseconds. */
  startTime: number;
  endTime: number | null;
  errors?: Array<{ message: string; code?: string }>;
  /** Why the node ended the flow early, when it did (e.g. `service unhealthy for 60 s`). */
  reason?: string;
  opStates: OpState[];
  secrets?: Record<string, unknown>;
  /**
   * The node's signed execution receipt (`@nosana/trust`), pinned with the result; it covers the rest of the
   * document.
   */
  receipt?: unknown;
  /**
   * The result sealed to the poster (`job post --seal-results`): `opStates`, `errors` and `secrets` are inside,
   * opened with the poster's wallet.
   */
  sealed?: unknown;
}

/** Default maximum number of log lines kept per op in a result (like the real node). */
export const DEFAULT_MAX_LOG_LINES = 25_000;

/**
 * Extracts results from log lines: each spec's regex is tried on every line of the streams it names
 * (stdout and stderr by default) and the first match of each matching line is kept, in order.
 *
 * @example
 * ```ts
 * extractResults({ loss: 'loss=[0-9.]+' }, [{ type: 'stdout', log: 'epoch 1 loss=0.25', timestamp: 0 }]);
 * // { loss: ['loss=0.25'] }
 * ```
 */
export function extractResults(
  specs: Record<string, ResultSpec>,
  logs: readonly LogEntry[],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const regex = new RegExp(typeof spec === 'string' ? spec : spec.regex);
    const streams: readonly StdStream[] = typeof spec === 'string' ? ['stdout', 'stderr'] : spec.logType;
    const matches: string[] = [];
    for (const entry of logs) {
      if (!streams.includes(entry.type)) continue;
      const match = regex.exec(entry.log);
      if (match) matches.push(match[0]);
    }
    out[key] = matches;
  }
  return out;
}

/**
 * The final status of a flow from its ops: failed if any op failed, stopped if any op was stopped,
 * success otherwise.
 *
 * @example
 * ```ts
 * flowStatusOf([{ status: 'success' }, { status: 'stopped' }]); // 'stopped'
 * ```
 */
export function flowStatusOf(
  opStates: ReadonlyArray<Pick<OpState, 'status'>>,
): 'success' | 'failed' | 'stopped' {
  if (opStates.some((op) => op.status === 'failed')) return 'failed';
  if (opStates.some((op) => op.status === 'stopped')) return 'stopped';
  return 'success';
}

/** True for op statuses an op never leaves. */
export function isFinalOpStatus(status: OpStatus): boolean {
  return status === 'success' || status === 'failed' || status === 'stopped';
}

/** Options of {@link createLogCollector}. */
export interface LogCollectorParameters {
  /** Lines kept; later lines are dropped and counted. Default {@link DEFAULT_MAX_LOG_LINES}. */
  maxLines?: number;
  /** Clock for the truncation notice. */
  now?: () => number;
}

/** Collects log lines up to a cap and remembers how many it dropped. */
export interface LogCollector {
  push(entry: LogEntry): void;
  /** The kept lines, plus a final `nodeerr` notice when lines were dropped. */
  entries(): LogEntry[];
  readonly dropped: number;
}

/**
 * A log collector that keeps the first `maxLines` lines of an op, like the real node's 25,000-line cap.
 *
 * @example
 * ```ts
 * const logs = createLogCollector({ maxLines: 2 });
 * for (const line of ['a', 'b', 'c']) logs.push({ type: 'stdout', log: line, timestamp: 0 });
 * logs.entries().at(-1)?.log; // 'Found too many logs: 1 line(s) dropped after the first 2'
 * ```
 */
export function createLogCollector({
  maxLines = DEFAULT_MAX_LOG_LINES,
  now = Date.now,
}: LogCollectorParameters = {}): LogCollector {
  const kept: LogEntry[] = [];
  let dropped = 0;
  return {
    push(entry) {
      if (kept.length < maxLines) kept.push(entry);
      else dropped++;
    },
    entries() {
      if (dropped === 0) return [...kept];
      return [
        ...kept,
        {
          type: 'nodeerr',
          log: `Found too many logs: ${dropped} line(s) dropped after the first ${maxLines}`,
          timestamp: now(),
        },
      ];
    },
    get dropped() {
      return dropped;
    },
  };
}
