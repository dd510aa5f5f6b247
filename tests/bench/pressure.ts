/**
 * The node under pressure (issue 19): the built `nosana node start` daemon, on the localnet with the Docker engine,
 * runs a job that prints a flood of log lines and then one that writes gigabytes to its volume. Measured, against
 * the same node idle in the same run: its RSS (sampled every 200 ms), its API's latency (`GET /node/info` in a
 * loop, 50 ms apart), each job's time from running to its result, and what the result kept of the logs.
 *
 *   node --conditions=@nosana/source --import tsx tests/bench/pressure.ts [--lines 1000000] [--volume-gb 10]
 *   (or `bash scripts/bench pressure`)
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { NosanaClient } from '@nosana/chain';
import type { JobDefinition } from '@nosana/core';
import { startNetwork } from '../src/helpers/network.js';
import { percentile } from '../src/helpers/stats.js';
import { startBuiltNode } from './built-node.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { lines: { type: 'string', default: '1000000' }, 'volume-gb': { type: 'string', default: '10' } },
});
const lines = Number(values.lines);
const volumeGb = Number(values['volume-gb']);
const NOS = 1_000_000n;

const flood: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'flood',
      args: {
        image: 'busybox:1.35',
        cmd: ['sh', '-c', `seq 1 ${lines} | sed 's/^/a line of the flood, number /'`],
      },
    },
  ],
};
const fill: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/create-volume',
      id: 'create',
      args: { name: 'data' },
      execution: { group: 'prepare' },
    },
    {
      type: 'container/run',
      id: 'fill',
      args: {
        image: 'busybox:1.35',
        cmd: ['sh', '-c', `dd if=/dev/zero of=/data/big bs=1M count=${volumeGb * 1024} && ls -l /data/big`],
        volumes: [{ name: 'data', dest: '/data' }],
      },
      execution: { group: 'fill' },
    },
  ],
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Samples the node's RSS and its API's latency until `stop()`; returns them. */
function sample(child: ChildProcess, api: string) {
  const rss: number[] = [];
  const latency: number[] = [];
  let failures = 0;
  let running = true;
  const rssTimer = setInterval(() => {
    const kib = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    rss.push(Number(kib ?? 0) / 1024);
  }, 200);
  const probing = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${api}/node/info`);
        await response.arrayBuffer();
        if (response.ok) latency.push(performance.now() - started);
        else failures++;
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return async () => {
    running = false;
    clearInterval(rssTimer);
    await probing;
    return { rss, latency, failures };
  };
}

type Samples = Awaited<ReturnType<ReturnType<typeof sample>>>;
const describe = (label: string, s: Samples, extra = '') =>
  `| ${label} | ${percentile(s.rss, 50).toFixed(0)} / ${Math.max(...s.rss).toFixed(0)} MiB | ${percentile(s.latency, 50).toFixed(1)} / ${percentile(s.latency, 95).toFixed(1)} / ${Math.max(...s.latency).toFixed(0)} ms (${s.latency.length} requests, ${s.failures} failed) | ${extra} |`;

/** Posts `definition`, samples while it runs, and reports the time from running to its result. */
async function measure(poster: NosanaClient, child: ChildProcess, api: string, definition: JobDefinition) {
  const { job } = await poster.jobs.post({ definition, market: 'cpu', timeout: 3600 });
  await poster.jobs.waitFor(job, (j) => j.state === 'RUNNING' || j.state === 'COMPLETED', {
    timeoutMs: 600_000,
  });
  const started = performance.now();
  const stop = sample(child, api);
  const done = await poster.jobs.waitFor(job, (j) => j.state === 'COMPLETED' && j.result !== null, {
    timeoutMs: 3_600_000,
  });
  const seconds = (performance.now() - started) / 1000;
  const samples = await stop();
  const flow = await poster.jobs.result(done);
  return { samples, seconds, flow };
}

const network = await startNetwork();
const dir = mkdtempSync(join(tmpdir(), 'nosana-bench-pressure-'));
let child: ChildProcess | undefined;
try {
  const poster = network.actor(1000n * NOS);
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  ({ child } = await startBuiltNode({
    network,
    dir,
    apiPort: port,
    args: ['--gateway', 'none'],
    // e.g. NOSANA_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/profiles" to profile the node.
    nodeArgs: process.env.NOSANA_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
    // NOSANA_BENCH_NODE_OUTPUT=<file>: the node's output (e.g. with --trace-gc) goes there.
    stdio: process.env.NOSANA_BENCH_NODE_OUTPUT
      ? ['ignore', openSync(process.env.NOSANA_BENCH_NODE_OUTPUT, 'w'), 'inherit']
      : 'ignore',
  }));

  const stopIdle = sample(child, api);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const idle = await stopIdle();

  const logs = await measure(poster, child, api, flood);
  const op = logs.flow?.opStates[0];
  const kept = op?.logs.length ?? 0;
  const last = op?.logs.at(-1)?.log.trim() ?? '';
  const resultBytes = Buffer.byteLength(JSON.stringify(logs.flow ?? {}));

  const volume = await measure(poster, child, api, fill);
  const filled = volume.flow?.opStates[1]?.logs.map((l) => l.log.trim()).join(' ') ?? '';

  const table = [
    '| phase | node RSS p50 / max | API `GET /node/info` p50 / p95 / max | job |',
    '|---|---|---|---|',
    describe('idle (5 s, baseline)', idle),
    describe(
      `${lines.toLocaleString('en')} log lines`,
      logs.samples,
      `${logs.seconds.toFixed(1)} s running → result; status ${logs.flow?.status}; result ${(resultBytes / 1024 / 1024).toFixed(2)} MiB with ${kept.toLocaleString('en')} lines, the last: "${last.slice(0, 90)}"`,
    ),
    describe(
      `${volumeGb} GB written to a volume`,
      volume.samples,
      `${volume.seconds.toFixed(1)} s running → result (${((volumeGb * 1024) / volume.seconds).toFixed(0)} MiB/s); status ${volume.flow?.status}; ${filled.slice(0, 80)}`,
    ),
  ];
  const ratio = (s: Samples) => (percentile(s.latency, 95) / percentile(idle.latency, 95)).toFixed(1);
  process.stdout.write(
    `${table.join('\n')}\n\nAPI p95 under pressure ÷ idle p95 (same run): flood ×${ratio(logs.samples)}, volume ×${ratio(volume.samples)}; RSS max over idle max: flood +${(Math.max(...logs.samples.rss) - Math.max(...idle.rss)).toFixed(0)} MiB, volume +${(Math.max(...volume.samples.rss) - Math.max(...idle.rss)).toFixed(0)} MiB.\n\n${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
} finally {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await network.close();
  rmSync(dir, { recursive: true, force: true });
}
