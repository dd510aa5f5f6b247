import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeEngine } from '@nosana/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { enforceImageCache, imagesOf, planEviction } from './image-cache.js';
import { type NodeStore, openNodeStore } from './store.js';

const image = (name: string, bytes: number, lastUsed: number) => ({ image: name, bytes, lastUsed });

describe('planEviction', () => {
  it('evicts the least recently used first, only until the rest fits', () => {
    const images = [image('new', 40, 3), image('old', 40, 1), image('mid', 40, 2)];
    expect(planEviction({ images, protect: new Set(), maxBytes: 80 }).map((i) => i.image)).toEqual(['old']);
    expect(planEviction({ images, protect: new Set(), maxBytes: 40 }).map((i) => i.image)).toEqual([
      'old',
      'mid',
    ]);
    expect(planEviction({ images, protect: new Set(), maxBytes: 120 })).toEqual([]);
  });
  it('never evicts a protected image, even when the rest cannot fit without it', () => {
    const images = [image('needed', 100, 1), image('other', 10, 2)];
    expect(planEviction({ images, protect: new Set(['needed']), maxBytes: 50 }).map((i) => i.image)).toEqual([
      'other',
    ]);
  });
});

describe('imagesOf', () => {
  it('lists the images of container/run ops, falling back to global.image', () => {
    expect(
      imagesOf({
        global: { image: 'base:1' },
        ops: [
          { type: 'container/run', args: { image: 'a:1' } },
          { type: 'container/run', args: {} },
          { type: 'container/create-volume', args: { name: 'v' } },
          { type: 'container/run', args: { image: 'a:1' } },
        ],
      }),
    ).toEqual(['a:1', 'base:1']);
  });
});

describe('enforceImageCache', () => {
  let dir: string | undefined;
  let store: NodeStore | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('removes the least recently used managed images over the limit, never protected or unmanaged ones', async () => {
    dir = mkdtempSync(join(tmpdir(), 'nosana-cache-'));
    store = openNodeStore({ dir });
    // The fake engine reports 1000 bytes per image it holds.
    const engine = createFakeEngine();
    for (const name of ['old:1', 'mid:1', 'running:1', 'new:1', 'operator:1']) engine.images.add(name);
    await store.touchImage('running:1', 1);
    await store.touchImage('old:1', 2);
    await store.touchImage('mid:1', 3);
    await store.touchImage('new:1', 4);
    await store.touchImage('gone:1', 5);
    const result = await enforceImageCache({
      engine,
      store,
      maxBytes: 2000,
      protect: new Set(['running:1']),
    });
    expect(result.totalBytes).toBe(4000);
    expect(result.evicted.map((i) => i.image)).toEqual(['old:1', 'mid:1']);
    expect([...engine.images].sort()).toEqual(['new:1', 'operator:1', 'running:1']);
    // Evicted and vanished images are forgotten; the rest keep their recency.
    expect(
      store
        .imageUses()
        .map((u) => u.image)
        .sort(),
    ).toEqual(['new:1', 'running:1']);
  });
});
