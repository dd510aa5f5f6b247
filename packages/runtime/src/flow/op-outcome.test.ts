import { describe, expect, it } from 'vitest';
import type { ContainerState } from '../engine/types.js';
import { classifyOutcome, unrunnableCommand } from './op-outcome.js';

const state = (overrides: Partial<ContainerState> = {}): ContainerState => ({
  id: 'c1',
  status: 'exited',
  running: false,
  restarting: false,
  exitCode: 0,
  oomKilled: false,
  error: '',
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:01Z',
  restartCount: 0,
  ports: {},
  labels: {},
  ...overrides,
});
const classify = (
  final: Partial<ContainerState>,
  extra: Partial<Parameters<typeof classifyOutcome>[0]> = {},
) => classifyOutcome({ opId: 'x', final: state(final), isService: false, logs: [], ...extra });

describe('op outcome', () => {
  it('exit 0 is success, anything else failed, with the engine state in the diagnostics', () => {
    expect(classify({})).toEqual({
      status: 'success',
      diagnostics: {
        state: {
          Status: 'exited',
          OOMKilled: false,
          ExitCode: 0,
          Error: '',
          StartedAt: '2026-01-01T00:00:00Z',
          FinishedAt: '2026-01-01T00:00:01Z',
          RestartCount: 0,
        },
      },
    });
    const failed = classify({ exitCode: 3, restartCount: 2 });
    expect(failed.status).toBe('failed');
    expect(failed.error).toBeUndefined();
    expect(failed.diagnostics.state).toMatchObject({ ExitCode: 3, RestartCount: 2 });
  });

  it('omits start and finish times the engine did not report', () => {
    const { diagnostics } = classify({ startedAt: undefined, finishedAt: undefined } as never);
    expect(diagnostics.state).not.toHaveProperty('StartedAt');
    expect(diagnostics.state).not.toHaveProperty('FinishedAt');
  });

  it('out of memory: OOMKilled, or exit 137 under a memory limit without a stop (Podman), fails with an oom event naming the limit', () => {
    const docker = classify({ exitCode: 137, oomKilled: true }, { memoryBytes: 64 * 1024 * 1024 });
    expect(docker.status).toBe('failed');
    expect(docker.error).toEqual({
      event: 'oom',
      message: expect.stringMatching(/^op "x" ran out of memory \(limit 67108864 bytes\) and was killed/),
    });
    expect(classify({ exitCode: 137 }, { memoryBytes: 1024 }).error?.event).toBe('oom');
    // Even an OOM-killed process whose init exited 0 did not succeed.
    expect(classify({ exitCode: 0, oomKilled: true }, { memoryBytes: 1024 }).status).toBe('failed');
  });

  it('exit 137 without a memory limit is a plain failure (a SIGKILL), not OOM', () => {
    const outcome = classify({ exitCode: 137 });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBeUndefined();
  });

  it('a stop wins over the exit: stopped, with the reason; a service reaching its deadline succeeded', () => {
    const stopped = classify({ exitCode: 143 }, { stopReason: 'stopped' });
    expect(stopped.status).toBe('stopped');
    expect(stopped.error).toBeUndefined();
    expect(stopped.diagnostics.reason).toEqual({
      jobStopped: true,
      jobExpired: false,
      hostShutDown: false,
      reason: 'stopped',
    });
    expect(classify({ exitCode: 137 }, { stopReason: 'expired', memoryBytes: 1024 }).status).toBe('stopped');
    expect(classify({ exitCode: 143 }, { stopReason: 'expired', isService: true }).status).toBe('success');
    expect(classify({ exitCode: 143 }, { stopReason: 'stopped', isService: true }).status).toBe('stopped');
    const shutdown = classify({ exitCode: 143 }, { stopReason: 'shutdown' });
    expect(shutdown.status).toBe('stopped');
    expect(shutdown.diagnostics.reason).toMatchObject({ hostShutDown: true, reason: 'shutdown' });
  });

  it('names a command that could not be run: 127 missing, 126 not executable', () => {
    expect(classify({ exitCode: 127 }).error).toEqual({
      event: 'exit',
      message:
        'op "x": the command was not found in the image (exit 127) — check cmd/entrypoint and the image',
    });
    expect(classify({ exitCode: 126 }).error?.message).toContain('is not executable (exit 126)');
  });

  it("recognises Podman's catatonit exec failure on stderr (exit 1), and nothing else with exit 1", () => {
    const line = (log: string, type: 'stdout' | 'stderr' = 'stderr') => ({ type, log, timestamp: 0 });
    const missing = [
      line(
        '{"msg":"exec container process `/nope`"} (catatonit:1): failed to exec pid1: No such file or directory',
      ),
    ];
    expect(unrunnableCommand(1, missing)).toBe('missing');
    expect(unrunnableCommand(1, [line('(catatonit:12): failed to exec pid1: Permission denied')])).toBe(
      'not-executable',
    );
    expect(
      unrunnableCommand(1, [line('(catatonit:12): failed to exec pid1: Permission denied', 'stdout')]),
    ).toBeUndefined();
    expect(
      unrunnableCommand(1, [line('(catatonit:12): failed to exec pid1: Exec format error')]),
    ).toBeUndefined();
    expect(unrunnableCommand(1, [line('error: something else')])).toBeUndefined();
    expect(unrunnableCommand(2, missing)).toBeUndefined();
    expect(classify({ exitCode: 1 }, { logs: missing }).error?.message).toContain(
      'was not found in the image (exit 1)',
    );
  });
});
