/**
 * Per-op overhead of the runtime: the same seeded busybox image and a trivial command (`true`), run `--n` times
 * each way, after two warm-up runs of each:
 *
 * - (a) `docker run --rm` — the CLI (`-H` pointed at the engine);
 * - (b) the engine's own create → start → wait → remove through dockerode directly (wait set up before start);
 * - (b') the same on a network of its own, created before and removed after (what the runtime does per job);
 * - (c) `createRuntime().runFlow()` of a one-op flow — what a node does per job: per-job network, container with
 *   the security defaults, logs followed, results, reaper.
 *
 * The three ways take turns within each iteration, so load from other processes is spread over all of them.
 * Prints p50/p95/min per way, the runtime's overhead (c) − (b) at p50 (the target is ≤ 150 ms), the ratio
 * (c)/(a), and where (c)'s time goes: p50 time inside each engine call (calls of one flow may overlap).
 *
 * Run from packages/runtime (the engine must answer and have /bin/busybox to seed from):
 *   pnpm run bench [-- --n 30] [-- --engine podman]
 *   node --conditions=@nosana/source --import tsx bench/overhead.ts --n 30 --engine docker|podman [--host unix:///…]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import { connectEngine } from '../src/engine/discover.js';
import type { ContainerEngine } from '../src/engine/types.js';
import { createRuntime, LABELS } from '../src/flow/runtime.js';
import { DEFAULT_BUSYBOX_TAG, seedBusyboxImage } from '../src/images/seed-busybox.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '30' },
    engine: { type: 'string', default: 'docker' },
    host: { type: 'string' },
  },
});
const n = Number(values.n);
const kind = values.engine as 'docker' | 'podman';
if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive integer');
if (kind !== 'docker' && kind !== 'podman') throw new Error('--engine must be docker or podman');
const host = values.host ?? (kind === 'podman' ? 'unix:///run/nosana-podman.sock' : undefined);

const out = (line = '') => process.stdout.write(`${line}\n`);
const scope = `bench-overhead-${process.pid}`;
const image = DEFAULT_BUSYBOX_TAG;
const cmd = ['true'];

const connected = await connectEngine({ provider: kind, ...(host ? { host } : {}) }).catch((error: Error) => {
  throw new Error(
    `${error.message}${kind === 'podman' ? ' — start it with: bash scripts/podman-up (as root)' : ''}`,
  );
});
const { docker, info, endpoint } = connected;
await seedBusyboxImage({ docker });
const cliHost = endpoint.startsWith('/') ? `unix://${endpoint}` : endpoint;

/** Time inside each engine call of the runtime, per flow. */
const calls = new Map<string, number[]>();
let current: Map<string, number> | undefined;
const timed = (engine: ContainerEngine): ContainerEngine =>
  new Proxy(engine, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'logs') return value;
      return async (...args: unknown[]) => {
        const began = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          const name = String(property);
          current?.set(name, (current.get(name) ?? 0) + performance.now() - began);
        }
      };
    },
  });
const runtime = createRuntime({ engine: timed(connected.engine), scope });
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'op', args: { image, cmd } }],
};

const ways = {
  'a. docker run --rm (CLI)': async () => {
    const result = spawnSync('docker', ['-H', cliHost, 'run', '--rm', image, ...cmd], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`docker run failed: ${result.stderr || result.error}`);
  },
  'b. engine: create/start/wait/remove': async () => {
    const container = await docker.createContainer({
      Image: image,
      Cmd: cmd,
      Labels: { [LABELS.scope]: scope },
    });
    const exited = container.wait({ condition: 'next-exit' });
    await container.start();
    const { StatusCode } = (await exited) as { StatusCode: number };
    await container.remove({ force: true });
    if (StatusCode !== 0) throw new Error(`exit ${StatusCode}`);
  },
  "b'. engine + a per-job network": async () => {
    // What (b) does, on a network of its own like the runtime's (created before, removed after).
    const name = `${scope}-net`;
    const network = await docker.createNetwork({
      Name: name,
      Labels: { [LABELS.scope]: scope },
      CheckDuplicate: true,
      Driver: 'bridge',
    });
    const container = await docker.createContainer({
      Image: image,
      Cmd: cmd,
      Labels: { [LABELS.scope]: scope },
      HostConfig: { NetworkMode: name },
    });
    const exited = container.wait({ condition: 'next-exit' });
    await container.start();
    const { StatusCode } = (await exited) as { StatusCode: number };
    await container.remove({ force: true });
    await network.remove();
    if (StatusCode !== 0) throw new Error(`exit ${StatusCode}`);
  },
  'c. runtime: runFlow, one op': async () => {
    current = new Map();
    const state = await runtime.runFlow({ jobId: 'bench', definition });
    for (const [name, ms] of current) calls.set(name, [...(calls.get(name) ?? []), ms]);
    current = undefined;
    if (state.status !== 'success')
      throw new Error(`flow ${state.status}: ${JSON.stringify(state.opStates[0])}`);
  },
};
type Way = keyof typeof ways;

const samples = new Map<Way, number[]>(Object.keys(ways).map((way) => [way as Way, []]));
const loadBefore = loadavg()[0]!;
try {
  for (let i = -2; i < n; i++) {
    for (const [way, run] of Object.entries(ways) as Array<[Way, () => Promise<void>]>) {
      const began = performance.now();
      await run();
      if (i >= 0) samples.get(way)!.push(performance.now() - began);
    }
    if (i < 0) calls.clear();
  }
} finally {
  await runtime.reap();
  for (const c of await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.scope}=${scope}`] },
  }))
    await docker.getContainer(c.Id).remove({ force: true });
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const p50 = (way: Way) => percentile(samples.get(way)!, 50);

out(
  `### Per-op overhead on ${info.kind} ${info.version} (API ${info.apiVersion}), ${n} runs each, ${cpus().length} cores`,
);
out();
out('| way | p50 | p95 | min |');
out('|---|---|---|---|');
for (const [way, xs] of samples)
  out(`| ${way} | ${ms(percentile(xs, 50))} | ${ms(percentile(xs, 95))} | ${ms(Math.min(...xs))} |`);
out();
const c = p50('c. runtime: runFlow, one op');
const b = p50('b. engine: create/start/wait/remove');
const withNetwork = p50("b'. engine + a per-job network");
const overhead = c - b;
out(
  `Runtime overhead (c) − (b) at p50: **${ms(overhead)}** (target ≤ 150 ms: ${overhead <= 150 ? 'met' : 'missed'}); ` +
    `(c)/(a) at p50: **${(c / p50('a. docker run --rm (CLI)')).toFixed(2)}×**.`,
);
out(
  calls.has('createNetwork')
    ? `The runtime gave each flow a network of its own: that costs (b') − (b) = ${ms(withNetwork - b)}; the rest of the overhead is (c) − (b') = ${ms(c - withNetwork)}.`
    : `The runtime used the engine's default bridge (Docker with icc=false keeps containers apart there), saving the (b') − (b) = ${ms(withNetwork - b)} a network of its own costs.`,
);
out();
out('Where (c) spends its time — p50 per flow inside each engine call (calls may overlap):');
out();
out('| engine call | p50 | p95 |');
out('|---|---|---|');
for (const [name, xs] of [...calls].sort((x, y) => percentile(y[1], 50) - percentile(x[1], 50)))
  out(`| ${name} | ${ms(percentile(xs, 50))} | ${ms(percentile(xs, 95))} |`);
out();
out(`Load average (1 min): ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after.`);
