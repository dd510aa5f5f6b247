import { canonicalJson, type FlowState } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { capResult, MAX_RESULT_BYTES, unpinnableResult } from './result-size.js';

const flow = (lines: string[]): FlowState => ({
  status: 'success',
  startTime: 1,
  endTime: 2,
  opStates: [
    {
      providerId: 'c',
      operationId: 'main',
      group: 'g',
      status: 'success',
      startTime: 1,
      endTime: 2,
      exitCode: 0,
      logs: lines.map((log, i) => ({ type: 'stdout', log, timestamp: i })),
    },
  ],
});
const size = (value: unknown) => Buffer.byteLength(canonicalJson(value));

describe('capResult', () => {
  it('leaves a result under the limit alone', () => {
    const small = flow(['a', 'b']);
    expect(capResult(small)).toMatchObject({ flow: small, truncated: false });
  });

  it('cuts a result over the limit: head and tail kept, a marker in between (regression)', () => {
    expect(MAX_RESULT_BYTES).toBe(16 * 1024 * 1024);
    const big = flow(Array.from({ length: 4 * 1024 }, (_, i) => `${i} ${'x'.repeat(1020)}`));
    expect(size(big)).toBeGreaterThan(4 * 1024 * 1024);
    const { flow: capped, truncated, after } = capResult(big, 1024 * 1024);
    expect(truncated).toBe(true);
    expect(after).toBeLessThanOrEqual(1024 * 1024);
    expect(size(capped)).toBe(after);
    const logs = capped.opStates[0]!.logs;
    expect(logs[0]!.log).toMatch(/^0 /);
    expect(logs.at(-1)!.log).toMatch(/^4095 /);
    expect(logs.filter((l) => l.type === 'nodeerr')).toHaveLength(1);
    expect(capped.opStates[0]!.logsTruncated).toBe(true);
  });

  it('cuts a single enormous line', () => {
    const { flow: capped, after } = capResult(flow(['y'.repeat(200_000)]), 100_000);
    expect(after).toBeLessThanOrEqual(100_000);
    expect(capped.opStates[0]!.logs[0]!.log).toMatch(/line cut by the node\]$/);
  });
});

describe('unpinnableResult', () => {
  it('keeps statuses and exit codes, drops logs and says why', () => {
    const small = unpinnableResult(flow(['secret']), 'IPFS refused it');
    expect(small.status).toBe('success');
    expect(small.opStates[0]).toMatchObject({ exitCode: 0, status: 'success', logsTruncated: true });
    expect(JSON.stringify(small)).not.toContain('secret');
    expect(small.errors?.at(-1)?.message).toMatch(/could not pin the full result \(IPFS refused it\)/);
  });
});
