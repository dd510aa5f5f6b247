import { describe, expect, it } from 'vitest';
import { gini, median, percentile, seededRandom } from './stats.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 95)).toBe(4);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('gini', () => {
  it('is 0 for an equal split and (n − 1) / n when one holds everything', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 12])).toBeCloseTo(3 / 4, 12);
    expect(gini([])).toBe(0);
    expect(gini([0, 0])).toBe(0);
  });

  it('matches the mean absolute difference definition', () => {
    const xs = [1, 2, 3, 10];
    let sum = 0;
    for (const a of xs) for (const b of xs) sum += Math.abs(a - b);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(gini(xs)).toBeCloseTo(sum / (2 * xs.length * xs.length * mean), 12);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('seededRandom', () => {
  it('replays the same numbers in [0, 1) for a seed, and others for another seed', () => {
    const draw = (seed: number) => {
      const next = seededRandom(seed);
      return Array.from({ length: 100 }, () => next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(8)).not.toEqual(draw(7));
    expect(draw(7).every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
