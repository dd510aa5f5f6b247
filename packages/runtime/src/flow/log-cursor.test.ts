import { describe, expect, it } from 'vitest';
import type { ContainerLogLine } from '../engine/types.js';
import { createLogCursor } from './log-cursor.js';

const at = (timestamp: number, line: string, stream: 'stdout' | 'stderr' = 'stdout'): ContainerLogLine => ({
  stream,
  line,
  timestamp,
});
/** What an engine returns for `since` (inclusive) from the whole log. */
const from = (log: ContainerLogLine[], since: number | undefined) =>
  since === undefined ? log : log.filter((l) => l.timestamp >= since);

describe('log cursor', () => {
  it('keeps every line of a first read', () => {
    const cursor = createLogCursor();
    const isNew = cursor.begin();
    const log = [at(1000, 'a'), at(1000, 'a'), at(2000, 'b')];
    expect(log.filter(isNew)).toEqual(log);
    expect(cursor.since).toBe(2000);
  });

  it('adds only unseen lines when reading again from since, even identical lines in the same second', () => {
    const cursor = createLogCursor();
    const log = [at(1000, 'start'), at(2000, 'attempt'), at(2000, 'attempt')];
    expect(log.filter(cursor.begin())).toHaveLength(3);
    // The container restarted within the same second and printed the same line again.
    log.push(at(2000, 'attempt'), at(3000, 'done'));
    expect(from(log, cursor.since).filter(cursor.begin())).toEqual([at(2000, 'attempt'), at(3000, 'done')]);
    expect(from(log, cursor.since).filter(cursor.begin())).toEqual([]);
  });

  it('fetches the tail that a cut stream missed', () => {
    const cursor = createLogCursor();
    const log = [at(5, 'one'), at(5, 'two', 'stderr'), at(5, 'three'), at(6, 'four')];
    expect(log.slice(0, 2).filter(cursor.begin())).toHaveLength(2);
    expect(from(log, cursor.since).filter(cursor.begin())).toEqual([at(5, 'three'), at(6, 'four')]);
  });

  it('does not move back for an older line (stdout and stderr interleaved)', () => {
    const cursor = createLogCursor();
    const log = [at(10, 'late'), at(9, 'early', 'stderr'), at(10, 'late2')];
    expect(log.filter(cursor.begin())).toHaveLength(3);
    expect(cursor.since).toBe(10);
    expect(from(log, cursor.since).filter(cursor.begin())).toEqual([]);
  });
});
