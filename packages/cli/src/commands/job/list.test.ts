import { describe, expect, it } from 'vitest';
import { newestFirst, shownState } from './list.js';

describe('job list ordering and states', () => {
  it('lists jobs that never started (queued) first, then by start time, latest first', () => {
    const jobs = [
      { id: 'a', timeStart: 100 },
      { id: 'queued', timeStart: 0 },
      { id: 'b', timeStart: 300 },
      { id: 'c', timeStart: 200 },
    ];
    expect(newestFirst(jobs).map((j) => j.id)).toEqual(['queued', 'b', 'c', 'a']);
  });

  it('shows a completed job by its result: FAILED when it failed, STOPPED when its poster stopped it', () => {
    expect(shownState('COMPLETED', 'success')).toBe('COMPLETED');
    expect(shownState('COMPLETED', null)).toBe('COMPLETED');
    expect(shownState('COMPLETED', 'failed')).toBe('FAILED');
    expect(shownState('COMPLETED', 'validation-error')).toBe('FAILED');
    expect(shownState('COMPLETED', 'stopped')).toBe('STOPPED');
    expect(shownState('STOPPED', null)).toBe('STOPPED');
    expect(shownState('RUNNING', null)).toBe('RUNNING');
  });
});
