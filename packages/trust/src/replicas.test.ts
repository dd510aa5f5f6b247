import type { FlowState } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { compareReplicas, outcomeDigest } from './replicas.js';

const flow = (lines: string[], exitCode = 0, startTime = 1000): FlowState => ({
  status: exitCode === 0 ? 'success' : 'failed',
  startTime,
  endTime: startTime + 500,
  opStates: [
    {
      providerId: `container-${startTime}`,
      operationId: 'main',
      group: 'main',
      status: exitCode === 0 ? 'success' : 'failed',
      startTime,
      endTime: startTime + 400,
      exitCode,
      logs: lines.map((log, i) => ({ type: 'stdout', log, timestamp: startTime + i })),
      results: { answer: ['42'] },
    },
  ],
});

describe('compareReplicas', () => {
  it('agrees on results that differ only in times and container ids', () => {
    expect(outcomeDigest(flow(['a', 'b'], 0, 1000)).sha256).toBe(
      outcomeDigest(flow(['a', 'b'], 0, 9999)).sha256,
    );
    const compared = compareReplicas([
      { job: 'J1', node: 'N1', flow: flow(['a', 'b'], 0, 1000) },
      { job: 'J2', node: 'N2', flow: flow(['a', 'b'], 0, 5000) },
    ]);
    expect(compared).toMatchObject({ agree: true, independent: true, differences: [] });
    expect(compared.replicas.map((r) => r.digest)).toEqual([
      compared.replicas[0]!.digest,
      compared.replicas[0]!.digest,
    ]);
  });

  it('disagrees on one changed log line or exit code, and says where', () => {
    const compared = compareReplicas([
      { job: 'J1', node: 'N1', flow: flow(['a', 'b', 'c']) },
      { job: 'J2', node: 'N2', flow: flow(['a', 'B', 'c']) },
      { job: 'J3', node: 'N3', flow: flow(['a', 'b', 'c'], 1) },
    ]);
    expect(compared.agree).toBe(false);
    expect(compared.differences).toEqual([
      'replica J2: op main: logs differ at line 2',
      'replica J3: status success ≠ failed',
      'replica J3: op main: exit 0 ≠ 1',
    ]);
  });

  it('does not agree without a result, and is not independent when one node ran two replicas', () => {
    const missing = compareReplicas([
      { job: 'J1', node: 'N1', flow: flow(['a']) },
      { job: 'J2', node: 'N2', flow: null },
    ]);
    expect(missing).toMatchObject({ agree: false, differences: ['replica J2: no result to compare'] });
    const same = compareReplicas([
      { job: 'J1', node: 'N1', flow: flow(['a']) },
      { job: 'J2', node: 'N1', flow: flow(['a']) },
    ]);
    expect(same).toMatchObject({ agree: true, independent: false });
  });
});
