import { describe, expect, it } from 'vitest';
import type { PullProgress } from '../engine/types.js';
import { createPullTracker } from './pull-progress.js';

const A = 'aaaaaaaaaaaa';
const B = 'bbbbbbbbbbbb';
const C = 'cccccccccccc';

function tracker(intervalMs = 1000) {
  let t = 0;
  const seen: PullProgress[] = [];
  const pull = createPullTracker({
    image: 'reg:5000/app:1',
    onProgress: (p) => seen.push(p),
    intervalMs,
    now: () => t,
  });
  return { pull, seen, advance: (ms: number) => (t += ms) };
}

describe('createPullTracker', () => {
  it('sums the bytes of the layers being downloaded and counts present layers apart', () => {
    const { pull, advance } = tracker();
    pull.update({ status: 'Pulling from app', id: '1' });
    pull.update({ status: 'Already exists', id: C });
    pull.update({ status: 'Pulling fs layer', id: A });
    pull.update({ status: 'Waiting', id: B });
    pull.update({ status: 'Downloading', id: A, progressDetail: { current: 300, total: 1000 } });
    pull.update({ status: 'Downloading', id: B, progressDetail: { current: 50, total: 500 } });
    advance(10);
    expect(pull.current()).toMatchObject({
      phase: 'downloading',
      current: 350,
      total: 1500,
      layers: { total: 2, done: 0, cached: 1 },
    });
    pull.update({ status: 'Download complete', id: A });
    expect(pull.current()).toMatchObject({ current: 1050, total: 1500 });
  });

  it('reports at most once per interval within a phase, and at once on a phase change and at the end', () => {
    const { pull, seen, advance } = tracker(1000);
    pull.update({ status: 'Pulling fs layer', id: A });
    for (let i = 1; i <= 10; i++) {
      advance(100);
      pull.update({ status: 'Downloading', id: A, progressDetail: { current: i * 100, total: 1000 } });
    }
    // The first message, then one after a full interval.
    expect(seen.map((p) => p.current)).toEqual([0, 1000]);
    pull.update({ status: 'Download complete', id: A });
    pull.update({ status: 'Extracting', id: A, progressDetail: { current: 10, total: 1000 } });
    pull.update({ status: 'Pull complete', id: A });
    pull.finish();
    expect(seen.map((p) => p.phase)).toEqual(['downloading', 'downloading', 'extracting', 'complete']);
    expect(seen.at(-1)).toMatchObject({
      current: 1000,
      total: 1000,
      layers: { total: 1, done: 1, cached: 0 },
    });
  });

  it('never reports more bytes than the total and ignores ids that are not layers', () => {
    const { pull } = tracker();
    pull.update({ status: 'Pulling from library/app', id: 'latest' });
    pull.update({ status: 'Downloading', id: A, progressDetail: { current: 2000, total: 1000 } });
    expect(pull.current()).toMatchObject({ current: 1000, total: 1000, layers: { total: 1 } });
  });
});
