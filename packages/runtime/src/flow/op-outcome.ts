/**
 * How a finished container becomes an op's outcome: its status, the error event that explains a failure (out
 * of memory, a command that could not be run) and the diagnostics kept in the result.
 */
import type { LogEntry, OpDiagnostics, OpState, OpStatus } from '@nosana/core';
import type { ContainerState } from '../engine/types.js';
import type { StopReason } from './events.js';

/**
 * Whether an exit means the command could not be run at all. Docker's init (tini) exits 127/126 like a shell;
 * Podman's (catatonit) exits 1 after printing `failed to exec pid1: <errno text>` on stderr.
 *
 * @example
 * ```ts
 * unrunnableCommand(127, []); // 'missing'
 * ```
 */
export function unrunnableCommand(
  exitCode: number,
  logs: readonly LogEntry[],
): 'missing' | 'not-executable' | undefined {
  if (exitCode === 127) return 'missing';
  if (exitCode === 126) return 'not-executable';
  if (exitCode !== 1) return undefined;
  const failed = logs.find(
    (l) => l.type === 'stderr' && /\(catatonit:\d+\): failed to exec pid1: /.test(l.log),
  );
  if (!failed) return undefined;
  if (/No such file or directory/.test(failed.log)) return 'missing';
  if (/Permission denied/.test(failed.log)) return 'not-executable';
  return undefined;
}

/** Parameters of {@link classifyOutcome}. */
export interface ClassifyOutcomeParameters {
  opId: string;
  /** The container's state after its final exit. */
  final: ContainerState;
  /** Set when the op was stopped (client stop, deadline, shutdown). */
  stopReason?: StopReason;
  /** The op exposes ports: reaching the deadline while serving is its success. */
  isService: boolean;
  /** The container's memory limit, if any. */
  memoryBytes?: number;
  /** The op's kept log (for Podman's exec failure message). */
  logs: readonly LogEntry[];
}

/** What {@link classifyOutcome} decides. */
export interface ClassifyOutcomeResult {
  status: Extract<OpStatus, 'success' | 'failed' | 'stopped'>;
  error?: NonNullable<OpState['error']>;
  diagnostics: OpDiagnostics;
}

/**
 * An op's outcome from its container's final state. Stopped ops are `stopped` (a service at its deadline:
 * `success`); otherwise exit 0 is `success` and anything else `failed`. Out of memory (`OOMKilled`, or exit 137
 * under a memory limit without a stop: Podman does not report `OOMKilled`) fails with an `oom` event naming the
 * limit; a command that could not be run fails with an `exit` event saying so.
 *
 * @example
 * ```ts
 * classifyOutcome({ opId: 'x', final, isService: false, logs: [] }).status; // 'success' when final.exitCode is 0
 * ```
 */
export function classifyOutcome({
  opId,
  final,
  stopReason,
  isService,
  memoryBytes,
  logs,
}: ClassifyOutcomeParameters): ClassifyOutcomeResult {
  const diagnostics: OpDiagnostics = {
    state: {
      Status: final.status,
      OOMKilled: final.oomKilled,
      ExitCode: final.exitCode,
      Error: final.error,
      ...(final.startedAt ? { StartedAt: final.startedAt } : {}),
      ...(final.finishedAt ? { FinishedAt: final.finishedAt } : {}),
      RestartCount: final.restartCount,
    },
    ...(stopReason
      ? {
          reason: {
            jobStopped: stopReason === 'stopped',
            jobExpired: stopReason === 'expired',
            hostShutDown: stopReason === 'shutdown',
            reason: stopReason,
          },
        }
      : {}),
  };
  if (stopReason)
    return { status: stopReason === 'expired' && isService ? 'success' : 'stopped', diagnostics };
  const oom = final.oomKilled || (final.exitCode === 137 && Boolean(memoryBytes));
  if (oom)
    return {
      status: 'failed',
      error: {
        event: 'oom',
        message: `op "${opId}" ran out of memory (limit ${memoryBytes ?? 'none'} bytes) and was killed — use less memory, or run it on a host with more`,
      },
      diagnostics,
    };
  if (final.exitCode === 0) return { status: 'success', diagnostics };
  const unrunnable = unrunnableCommand(final.exitCode, logs);
  if (unrunnable) {
    const what = unrunnable === 'missing' ? 'was not found in the image' : 'is not executable';
    return {
      status: 'failed',
      error: {
        event: 'exit',
        message: `op "${opId}": the command ${what} (exit ${final.exitCode}) — check cmd/entrypoint and the image`,
      },
      diagnostics,
    };
  }
  return { status: 'failed', diagnostics };
}
