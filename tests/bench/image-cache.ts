/**
 * The node's image cache over a mixed job stream (issue 19): the embedded localnet, a node on the real Docker engine
 * and a real registry on 127.0.0.1. Images of different sizes are pushed to the registry; a seeded stream of jobs
 * picks them with a skewed popularity (Zipf, s = 1: a few images most jobs use, a long tail), and the same stream runs
 * twice with a fresh node and no local copies:
 *
 * - with the LRU cache limited (`imageCache.maxBytes`, about half of all the images), and
 * - without a limit (nothing evicted): the most a cache can hit on this stream, the baseline.
 *
 * For each: the hit rate (the job's image was on the node when it was posted), MiB pulled, evictions, and post →
 * container running for hits and for misses.
 *
 *   node --conditions=@nosana/source --import tsx tests/bench/image-cache.ts [--jobs 40] [--seed 7]
 *   (or `bash scripts/bench image-cache`)
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import { buildSizedImage, pushImage, startLocalRegistry } from '@nosana/runtime/testing';
import { startNetwork } from '../src/helpers/network.js';
import { median, seededRandom } from '../src/helpers/stats.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { jobs: { type: 'string', default: '40' }, seed: { type: 'string', default: '7' } },
});
const jobs = Number(values.jobs);
const MiB = 2 ** 20;
const NOS = 1_000_000n;
/** Image sizes (MiB), the most popular first. */
const SIZES = [24, 48, 16, 64, 32, 40, 24, 56];
const LIMIT = Math.round(SIZES.reduce((a, b) => a + b, 0) / 2) * MiB;

/** `count` picks among `n` items with Zipf weights 1, 1/2, 1/3, … */
function zipfStream(n: number, count: number, seed: number): number[] {
  const weights = Array.from({ length: n }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => {
    let r = next() * total;
    for (let i = 0; i < n; i++) {
      r -= weights[i]!;
      if (r <= 0) return i;
    }
    return n - 1;
  });
}
const job = (image: string): JobDefinition => ({
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'main', args: { image, cmd: ['true'] } }],
});

const network = await startNetwork();
const registry = await startLocalRegistry();
const docker = network.engine.docker;
const images: string[] = [];
const present = async (tag: string) =>
  (await docker
    .getImage(tag)
    .inspect()
    .catch(() => null)) !== null;
const removeAll = async () => {
  for (const tag of images)
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
};
const rows: string[] = [];
try {
  for (const [i, size] of SIZES.entries()) {
    const tag = `${registry.host}/cache-${i}:1`;
    images.push(tag);
    await buildSizedImage({ docker, tag, layers: [size * MiB] });
    await pushImage({ docker, tag });
  }
  const stream = zipfStream(SIZES.length, jobs, Number(values.seed));
  const poster = network.actor(100_000n * NOS);
  for (const [label, imageCache] of [
    [`LRU, limit ${LIMIT / MiB} MiB`, { maxBytes: LIMIT }],
    ['no limit (baseline: the most a cache can hit)', undefined],
  ] as const) {
    await removeAll();
    const runningAt = new Map<string, number>();
    let evictions = 0;
    const { node } = await network.node({
      ...(imageCache ? { imageCache } : {}),
      onEvent: (event) => {
        if (event.type === 'image-evicted') evictions++;
        if (event.type === 'runtime' && event.event.type === 'op-status' && event.event.status === 'running')
          if (!runningAt.has(event.event.jobId)) runningAt.set(event.event.jobId, performance.now());
      },
    });
    const hits: number[] = [];
    const misses: number[] = [];
    let pulled = 0;
    for (const index of stream) {
      const image = images[index]!;
      while (node.state() !== 'queued') await new Promise((resolve) => setTimeout(resolve, 20));
      const hit = await present(image);
      const posted = performance.now();
      const { job: address } = await poster.jobs.post({
        definition: job(image),
        market: 'cpu',
        timeout: 600,
      });
      const done = await poster.jobs.waitFor(address, (j) => j.result !== null, { pollMs: 100 });
      if ((await poster.jobs.result(done))?.status !== 'success') throw new Error(`job with ${image} failed`);
      const ms = runningAt.get(address.toBase58())! - posted;
      if (hit) hits.push(ms);
      else {
        misses.push(ms);
        pulled += SIZES[index]!;
      }
    }
    await network.stopNodes();
    rows.push(
      `| ${label} | ${jobs} | **${((hits.length / jobs) * 100).toFixed(0)} %** (${hits.length}) | ${pulled} MiB | ${evictions} | ${(median(hits) / 1000).toFixed(2)} s | ${(median(misses) / 1000).toFixed(2)} s |`,
    );
  }
  const distinct = new Set(stream).size;
  process.stdout.write(
    [
      `${SIZES.length} images of ${SIZES.join(', ')} MiB (${SIZES.reduce((a, b) => a + b, 0)} MiB in all), a Zipf (s = 1) stream of ${jobs} jobs (seed ${values.seed}, ${distinct} distinct images), registry on 127.0.0.1`,
      '',
      '| cache | jobs | hit rate | pulled | evictions | post → running, hit (median) | miss (median) |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
      '',
    ].join('\n'),
  );
} finally {
  await removeAll();
  await network.close();
  await registry.stop();
}
