import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it.each([
    ['90', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1h30m', 5400],
    ['1d', 86_400],
    [' 45S ', 45],
    [600, 600],
  ])('parses %j', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each(['', '0', '-5', '1.5h', 'h', '10 minutes', '30x'])('rejects %j', (input) => {
    expect(() => parseDuration(input)).toThrowError(/is not a duration — write seconds/);
  });

  test.prop([fc.integer({ min: 1, max: 10 ** 8 })])('formats and parses back', (seconds) => {
    expect(parseDuration(formatDuration(seconds))).toBe(seconds);
  });
});
