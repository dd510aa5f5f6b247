import { createFakeEngine } from '@nosana/runtime/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PRE_PULL_IMAGES, type PrePullResult, prePullImages, prePullList } from './pre-pull.js';

describe('prePullList', () => {
  it('keeps the market’s images then the operator’s, once each, and drops what is not an image reference', () => {
    expect(prePullList(['app:1', 'app:1', 'bad ref', 42, ''], ['tools:2', 'app:1'])).toEqual({
      images: ['app:1', 'tools:2'],
      dropped: ['bad ref', '42', ''],
    });
  });
  it('pre-pulls at most MAX_PRE_PULL_IMAGES', () => {
    const many = Array.from({ length: MAX_PRE_PULL_IMAGES + 3 }, (_, i) => `img:${i}`);
    const { images, dropped } = prePullList(many);
    expect(images).toHaveLength(MAX_PRE_PULL_IMAGES);
    expect(dropped).toEqual(many.slice(MAX_PRE_PULL_IMAGES));
  });
});

describe('prePullImages', () => {
  it('pulls what is missing, leaves what is present, and reports a failed pull without throwing', async () => {
    // The fake engine has every image but `pull-me/…` ones, and fails pulls of names with `missing`.
    const engine = createFakeEngine(() => ({ exitCode: 0 }));
    const results: PrePullResult[] = [];
    const progress: string[] = [];
    const all = await prePullImages({
      engine,
      images: ['present:1', 'pull-me/new:1', 'pull-me/missing:1'],
      onResult: (r) => results.push(r),
      onProgress: (image) => progress.push(image),
    });
    expect(all).toEqual(results);
    expect(results.map((r) => [r.image, r.outcome])).toEqual([
      ['present:1', 'present'],
      ['pull-me/new:1', 'pulled'],
      ['pull-me/missing:1', 'failed'],
    ]);
    expect(results[1]?.bytes).toBe(50);
    expect(results[2]?.error).toMatchObject({ code: 'RUNTIME__IMAGE_PULL_FAILED' });
    expect(progress).toEqual(['pull-me/new:1']);
    expect(engine.pulled).toEqual(['pull-me/new:1']);
  });

  it('stops before the next image once the signal aborts', async () => {
    const engine = createFakeEngine(() => ({ exitCode: 0 }));
    const controller = new AbortController();
    const results = await prePullImages({
      engine,
      images: ['pull-me/a:1', 'pull-me/b:1'],
      signal: controller.signal,
      onResult: () => controller.abort(),
    });
    expect(results.map((r) => r.image)).toEqual(['pull-me/a:1']);
    expect(engine.pulled).toEqual(['pull-me/a:1']);
  });
});
