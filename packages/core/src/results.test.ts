import { describe, expect, it } from 'vitest';
import { createLogCollector, extractResults, flowStatusOf, type LogEntry } from './results.js';

const line = (log: string, type: LogEntry['type'] = 'stdout'): LogEntry => ({ type, log, timestamp: 1 });

describe('results', () => {
  it('extracts the first match of every matching line, from the streams each spec names', () => {
    const logs = [
      line('loss=0.5'),
      line('Device 0: A100', 'stderr'),
      line('loss=0.25'),
      line('Device 1: H100'),
    ];
    expect(
      extractResults(
        {
          loss: '(?<=loss=)[0-9.]+',
          gpuStderr: { regex: 'Device [0-9].*', logType: ['stderr'] },
          gpu: 'Device [0-9]',
          none: 'x{3}',
        },
        logs,
      ),
    ).toEqual({
      loss: ['0.5', '0.25'],
      gpuStderr: ['Device 0: A100'],
      gpu: ['Device 0', 'Device 1'],
      none: [],
    });
  });

  it('derives the flow status from op statuses', () => {
    expect(flowStatusOf([{ status: 'success' }, { status: 'success' }])).toBe('success');
    expect(flowStatusOf([{ status: 'success' }, { status: 'stopped' }])).toBe('stopped');
    expect(flowStatusOf([{ status: 'stopped' }, { status: 'failed' }])).toBe('failed');
  });

  it('caps logs and says how many lines it dropped', () => {
    const logs = createLogCollector({ maxLines: 2, now: () => 42 });
    for (const text of ['a', 'b', 'c', 'd']) logs.push(line(text));
    expect(logs.dropped).toBe(2);
    expect(logs.entries()).toEqual([
      line('a'),
      line('b'),
      { type: 'nodeerr', log: 'Found too many logs: 2 line(s) dropped after the first 2', timestamp: 42 },
    ]);
  });
});
