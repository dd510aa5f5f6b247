import type { FlowState } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import {
  cappedResults,
  createLogBudget,
  createOpLogs,
  DEFAULT_LOG_CAPS,
  entryBytes,
  fitResult,
} from './log-caps.js';

const line = (text: string, droppedBytes?: number) => ({
  stream: 'stdout' as const,
  line: text,
  timestamp: 1,
  ...(droppedBytes ? { droppedBytes } : {}),
});

describe('log caps', () => {
  it('documents its defaults: 25,000 lines, 64 KiB a line, 4 MiB an op, 12 MiB a flow, a 16 MiB result', () => {
    expect(DEFAULT_LOG_CAPS).toEqual({
      maxLines: 25_000,
      maxLineBytes: 65_536,
      maxOpBytes: 4 * 1024 * 1024,
      maxFlowBytes: 12 * 1024 * 1024,
      maxResultBytes: 16 * 1024 * 1024,
    });
  });

  it('keeps a prefix of an op’s log within its byte cap and says how much was dropped', () => {
    const text = 'x'.repeat(1000);
    const logs = createOpLogs({
      caps: { maxLines: 100, maxOpBytes: entryBytes(text) * 3 },
      budget: createLogBudget(1e9),
      now: () => 7,
    });
    for (let i = 0; i < 10; i++) logs.push(line(text));
    logs.push(line('short')); // after the cap is reached nothing more is kept, so the log stays a prefix
    const entries = logs.entries();
    expect(entries).toHaveLength(4);
    expect(entries.at(-1)).toEqual({
      type: 'nodeerr',
      log: expect.stringMatching(
        /^Found too many logs: 8 line\(s\) \(6\.8 KiB\) dropped after the first 3 line\(s\)/,
      ),
      timestamp: 7,
    });
    expect(logs.truncated).toBe(true);
  });

  it('streams every line even when it is not kept', () => {
    const logs = createOpLogs({ caps: { maxLines: 1, maxOpBytes: 1e9 }, budget: createLogBudget(1e9) });
    expect(logs.push(line('a')).log).toBe('a');
    expect(logs.push(line('b')).log).toBe('b');
    expect(logs.entries().map((e) => e.log)).toEqual(['a', expect.stringContaining('1 line(s)')]);
  });

  it('reports lines cut by the line cap, with the bytes they lost', () => {
    const logs = createOpLogs({ caps: { maxLines: 10, maxOpBytes: 1e9 }, budget: createLogBudget(1e9) });
    logs.push(line('a'.repeat(10), 2 * 1024 * 1024));
    logs.push(line('ok'));
    expect(logs.entries().map((e) => e.log)).toEqual([
      'a'.repeat(10),
      'ok',
      'Logs truncated: 1 kept line(s) cut to the line cap, 2.0 MiB more dropped',
    ]);
    expect(logs.truncated).toBe(true);
  });

  it('shares one budget between the ops of a flow', () => {
    const budget = createLogBudget(entryBytes('x') * 3);
    const a = createOpLogs({ caps: { maxLines: 100, maxOpBytes: 1e9 }, budget });
    const b = createOpLogs({ caps: { maxLines: 100, maxOpBytes: 1e9 }, budget });
    a.push(line('x'));
    a.push(line('x'));
    b.push(line('x'));
    b.push(line('x'));
    expect(a.truncated).toBe(false);
    expect(b.truncated).toBe(true);
    expect(budget.left).toBe(0);
  });

  it('counts JSON escaping: a line of control characters costs six bytes per character', () => {
    expect(entryBytes('\u0001'.repeat(10))).toBe(62 + 64);
  });

  it('keeps result matches in order while they fit the budget, and counts the rest', () => {
    const logs = ['r=1', 'r=2', 'r=3'].map((log) => ({ type: 'stdout' as const, log, timestamp: 0 }));
    expect(cappedResults({ r: 'r=\\d' }, logs, createLogBudget(1e6))).toEqual({
      results: { r: ['r=1', 'r=2', 'r=3'] },
      dropped: 0,
    });
    const small = cappedResults({ r: 'r=\\d', s: 'r' }, logs, createLogBudget((entryBytes('r=1') - 60) * 2));
    expect(small).toEqual({ results: { r: ['r=1', 'r=2'], s: [] }, dropped: 4 });
  });

  it('fits a result under its byte limit by halving the largest op’s log, and says so', () => {
    const big = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        type: 'stdout' as const,
        log: `${i}`.padEnd(1000, '.'),
        timestamp: 0,
      }));
    const state: FlowState = {
      status: 'success',
      startTime: 0,
      endTime: 1,
      opStates: ['a', 'b'].map((id, i) => ({
        providerId: null,
        operationId: id,
        group: id,
        status: 'success',
        startTime: 0,
        endTime: 1,
        exitCode: 0,
        logs: big(i === 0 ? 100 : 20),
      })),
    };
    const removed = fitResult(state, 50_000);
    expect(Buffer.byteLength(JSON.stringify(state))).toBeLessThanOrEqual(50_000);
    expect(removed).toBeGreaterThan(0);
    expect(state.opStates[0]!.logsTruncated).toBe(true);
    expect(state.opStates[0]!.logs.at(-1)?.log).toMatch(/line\(s\) removed to keep the result under/);
    expect(state.opStates[0]!.logs[0]!.log.startsWith('0.')).toBe(true);
    expect(fitResult(state, 50_000)).toBe(0);
  });
});
