/**
 * Cold starts from image pulls, on this machine: the embedded localnet, a node, the real Docker engine and a real
 * registry on 127.0.0.1 (Debian's docker-registry). Each run builds fresh images of the same size (random layers, so
 * nothing is shared but the busybox base) and measures, taking turns:
 *
 * - (a) `docker pull && docker run --rm` of an uncached image — the baseline;
 * - (b) post → container running for a job whose image the node does not have (the node pulls it);
 * - (c) post → container running for an image the market declares (`requiredImages`), pre-pulled by the node when it
 *   joined the queue;
 * - (d) post → container running for an image the node has (cached), the floor.
 *
 * Cases (a) and (b) take turns going first (odd runs measure (a) before the node's cases, even runs after them), and
 * each starts after a `sync`, so that neither always pulls against the disk's writeback of the images before it.
 * Each node first runs one job of a cached image, so that (b) — the first measured job — does not carry the
 * first-job costs of the poster and the node (connections, token accounts) the other cases do not pay. Each case is
 * also split in phases: post → pull start (the match and the definition's read), the pull, and pull end → running
 * (create and start); the baseline's in pull and run.
 *
 * Run from the repository root: bash scripts/bench images, or
 *   node --conditions=@nosana/source --import tsx tests/bench/images.ts [--mib 200] [--layers 2] [--runs 3] [--poll-ms 1000]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import { buildSizedImage, pushImage, startLocalRegistry } from '@nosana/runtime/testing';
import { startNetwork } from '../src/helpers/network.js';
import { median } from '../src/helpers/stats.js';

const { values } = parseArgs({
  // `pnpm run bench:images -- --mib 2048` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    mib: { type: 'string', default: '200' },
    layers: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    /**
     * How often the poster reads the job while it waits for the result (ms): `nosana job post --wait`'s 1 s. The
     * poster shares this machine's two cores with the node and the pull, which a real client does not: at 100 ms its
     * reads cost the pull about 1 s of 8 for a 1 GiB image.
     */
    'poll-ms': { type: 'string', default: '1000' },
  },
});
const mib = Number(values.mib);
const layerCount = Math.max(1, Number(values.layers));
const runs = Number(values.runs);
const pollMs = Number(values['poll-ms']);
const layers = Array.from({ length: layerCount }, () => Math.floor((mib * 2 ** 20) / layerCount));
const NOS = 1_000_000n;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const row = (label: string, samples: number[]) =>
  `| ${label} | ${samples.length} | ${seconds(median(samples))} | ${seconds(Math.min(...samples))} | ${seconds(Math.max(...samples))} |`;
const job = (image: string): JobDefinition => ({
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'main', args: { image, cmd: ['true'] } }],
});

const network = await startNetwork();
const registry = await startLocalRegistry();
const docker = network.engine.docker;
const made: string[] = [];
const fresh = async (name: string) => {
  const tag = `${registry.host}/${name}`;
  made.push(tag);
  await buildSizedImage({ docker, tag, layers });
  await pushImage({ docker, tag });
  return tag;
};
const sh = (command: string[]) => {
  const run = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command.join(' ')} failed: ${run.stderr}`);
};

const baseline: number[] = [];
const baselinePull: number[] = [];
const baselineRun: number[] = [];
/** The uncached job's phases, in ms: post → pull start, the pull, pull end → container running. */
const phases = { toPull: [] as number[], pull: [] as number[], toRunning: [] as number[] };
const uncached: number[] = [];
const prePulled: number[] = [];
const cached: number[] = [];
const prePullTimes: number[] = [];
/** CPU time of this process (the localnet, the node, the poster) in ms. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** This process's CPU per second of pull: during the job's pull (b), and during the node's pre-pull. */
const pullCpu = { job: [] as number[], prePull: [] as number[] };
try {
  const poster = network.actor(100_000n * NOS);
  for (let i = 0; i < runs; i++) {
    const [a, b, c] = [await fresh(`a:${i}`), await fresh(`b:${i}`), await fresh(`c:${i}`)];

    /** (a): `docker pull && docker run --rm` of `a`, after the disk has written back what came before. */
    const baselineCase = () => {
      sh(['sync']);
      const started = performance.now();
      sh(['docker', 'pull', '-q', a]);
      const pulled = performance.now();
      sh(['docker', 'run', '--rm', a, 'true']);
      baseline.push(performance.now() - started);
      baselinePull.push(pulled - started);
      baselineRun.push(performance.now() - pulled);
    };

    if (i % 2 === 1) baselineCase();
    /** When each job's op first reached each status (`<job> <status>` → ms). */
    const opStatus = new Map<string, number>();
    /** This process's CPU when each job's op first reached each status. */
    const opCpu = new Map<string, number>();
    let prePullStart: { at: number; cpu: number } | undefined;
    network.localnet.setRequiredImages('cpu', [c]);
    const { node } = await network.node({
      onEvent: (event) => {
        if (event.type === 'image-pull') prePullStart ??= { at: performance.now(), cpu: cpuMs() };
        if (event.type === 'image-ready' && event.result.outcome === 'pulled') {
          prePullTimes.push(event.result.ms);
          if (prePullStart)
            pullCpu.prePull.push(
              (cpuMs() - prePullStart.cpu) / ((performance.now() - prePullStart.at) / 1000),
            );
        }
        if (event.type === 'runtime' && event.event.type === 'op-status') {
          const key = `${event.event.jobId} ${event.event.status}`;
          if (!opStatus.has(key)) {
            opStatus.set(key, performance.now());
            opCpu.set(key, cpuMs());
          }
        }
      },
    });
    const postToRunning = async (image: string) => {
      while (node.state() !== 'queued') await new Promise((resolve) => setTimeout(resolve, 20));
      const posted = performance.now();
      const { job: address } = await poster.jobs.post({
        definition: job(image),
        market: 'cpu',
        timeout: 600,
      });
      const done = await poster.jobs.waitFor(address, (j) => j.result !== null, { pollMs });
      const result = await poster.jobs.result(done.address);
      if (result?.status !== 'success') throw new Error(`job with ${image} ended ${result?.status}`);
      const running = opStatus.get(`${address.toBase58()} running`);
      if (running === undefined) throw new Error(`no container start reported for ${address.toBase58()}`);
      const pulling = opStatus.get(`${address.toBase58()} pulling`);
      const starting = opStatus.get(`${address.toBase58()} starting`);
      if (pulling !== undefined && starting !== undefined) {
        phases.toPull.push(pulling - posted);
        phases.pull.push(starting - pulling);
        phases.toRunning.push(running - starting);
        const cpu =
          opCpu.get(`${address.toBase58()} starting`)! - opCpu.get(`${address.toBase58()} pulling`)!;
        pullCpu.job.push(cpu / ((starting - pulling) / 1000));
      }
      return running - posted;
    };
    await postToRunning('busybox:1.35');
    sh(['sync']);
    uncached.push(await postToRunning(b));
    prePulled.push(await postToRunning(c));
    cached.push(await postToRunning(b));
    await network.stopNodes();
    // Even runs measure the baseline after the node's cases, odd runs before: neither always pulls first.
    if (i % 2 === 0) baselineCase();
    for (const tag of [a, b, c]) await docker.getImage(tag).remove({ force: true });
  }
} finally {
  network.localnet.setRequiredImages('cpu', ['busybox:1.35']);
  for (const tag of made)
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  await network.close();
  await registry.stop();
}

const ratio = (x: number[], y: number[]) => (median(x) / median(y)).toFixed(2);
process.stdout.write(
  [
    `| image of ${mib} MiB in ${layerCount} layer(s), registry on 127.0.0.1 | runs | median | min | max |`,
    '|---|---|---|---|---|',
    row('(a) `docker pull && docker run --rm` (uncached)', baseline),
    row('(b) post → container running, image not on the node', uncached),
    row('(c) post → container running, image pre-pulled (market `requiredImages`)', prePulled),
    row('(d) post → container running, image cached', cached),
    row('the pre-pull itself (when the node joined)', prePullTimes),
    '',
    '| phase (median) | `docker pull && docker run` (a) | node, uncached (b) |',
    '|---|---|---|',
    `| post → pull starts (match, definition read) | — | ${seconds(median(phases.toPull))} |`,
    `| the pull | ${seconds(median(baselinePull))} | ${seconds(median(phases.pull))} |`,
    `| pull end → container running (create, start) | ${seconds(median(baselineRun))} | ${seconds(median(phases.toRunning))} |`,
    '',
    `This process (the localnet, the node, the poster) during the pull, CPU ms per second of pull (median): the job's ${median(pullCpu.job).toFixed(0)}, the pre-pull's ${median(pullCpu.prePull).toFixed(0)} (from its first progress event).`,
    '',
    `Uncached post → running vs docker pull && run (b)/(a): ×${ratio(uncached, baseline)}. Pre-pulled vs cached (c)/(d): ×${ratio(prePulled, cached)}; uncached vs cached (b)/(d): ×${ratio(uncached, cached)}.`,
    '',
    `${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    '',
  ].join('\n'),
);
