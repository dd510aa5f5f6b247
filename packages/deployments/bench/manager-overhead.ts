/**
 * Manager overhead on the localnet (docs/benchmarks.md, "Deployments"): the real manager (test/manager-process.ts,
 * composed as `nosana deployment serve`) in a process of its own against the embedded localnet, with 0, 10 and 100
 * deployments of 3 replicas. Every replica is RUNNING: before each run, one lightweight host per replica (a staked
 * wallet, nothing else) enters the cpu market's queue, so each LIST is matched at once and the run stays open (the
 * jobs last 1 h, SIMPLE-EXTEND: no action is due during the measurement). That is the steady state of a service
 * deployment: the manager observes its replicas every pass and has nothing to do.
 *
 * Once all replicas run and a few passes went by, the manager's process is sampled from /proc for WINDOW seconds
 * (and at least 6 passes):
 * CPU time (utime + stime) per minute, RSS and its growth (least-squares slope, MiB/min); the pass durations come
 * from the process itself. The localnet, the hosts and this driver live in this process, so none of their work is
 * counted. The 0-deployment run is the baseline (an idle manager: one balance read per pass).
 *
 *   node --conditions=@nosana/source --import tsx bench/manager-overhead.ts [--window 60] [--interval 5] [--runs 0,10,100]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import { startLocalnet } from '@nosana/localnet';
import { createLocalnetActors } from '@nosana/localnet/testing';
import { Keypair } from '@solana/web3.js';
import { createDeploymentApiClient } from '../src/index.js';
import { spawnManager } from '../test/spawn-manager.js';

const { values } = parseArgs({
  options: {
    window: { type: 'string', default: '60' },
    interval: { type: 'string', default: '5' },
    runs: { type: 'string', default: '0,10,100' },
  },
  // `pnpm run bench:overhead -- --runs 0,10` passes the `--` through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
});
const RUNS = values.runs.split(',').map(Number);
const WINDOW_S = Number(values.window);
const INTERVAL_MS = Number(values.interval) * 1000;
const REPLICAS = 3;
const NOS = 1_000_000n;
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'worker', args: { image: 'busybox:1.36', cmd: ['sleep', '3600'] } }],
};
const out = (line = '') => process.stdout.write(`${line}\n`);
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds (user + system) and RSS bytes of a process, from /proc. */
function sample(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is 3rd overall, utime the 14th and stime the 15th.
  const cpu = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return { at: performance.now(), cpu, rss: rssKb * 1024 };
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
const actors = createLocalnetActors(localnet);
const dir = mkdtempSync(join(tmpdir(), 'nosana-manager-bench-'));

/** One host per replica waiting in the cpu market's queue: each LIST is matched at once. */
async function queueHosts(count: number) {
  for (let i = 0; i < count; i++) {
    const host = actors.actor(0n);
    await host.host.prepare();
    await host.host.work('cpu');
  }
}

/** Starts the manager process on its own database. */
const startManager = (name: string, walletPath: string) =>
  spawnManager({
    rpcUrl: localnet.rpcUrl,
    wsUrl: localnet.wsUrl,
    ipfsApiUrl: localnet.ipfsApiUrl,
    walletPath,
    db: join(dir, `${name}.db`),
    intervalMs: INTERVAL_MS,
  });

interface RunResult {
  deployments: number;
  running: number;
  cpuSecondsPerMinute: number;
  rssMiB: number;
  rssGrowthMiBPerMinute: number;
  passP50: number;
  passP95: number;
  passes: number;
}

async function run(deployments: number): Promise<RunResult> {
  const key = Keypair.generate();
  actors.actor(10_000n * NOS, key);
  const walletPath = join(dir, `wallet-${deployments}.json`);
  writeFileSync(walletPath, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
  await queueHosts(deployments * REPLICAS);
  const manager = startManager(`run-${deployments}`, walletPath);
  try {
    const api = createDeploymentApiClient({ url: await manager.ready, wallet: key });
    const ids: string[] = [];
    for (let i = 0; i < deployments; i++) {
      const created = await api.request<{ id: string }>('POST', '/api/deployments', {
        definition,
        market: 'cpu',
        replicas: REPLICAS,
        strategy: 'SIMPLE-EXTEND',
        timeout: 3600,
        budget: (50n * NOS).toString(),
      });
      ids.push(created.id);
    }
    // Every replica RUNNING (polled through the API before the window, not during it).
    let running = 0;
    for (let attempt = 0; running < deployments * REPLICAS; attempt++) {
      if (attempt > 600) throw new Error(`only ${running} of ${deployments * REPLICAS} replicas run`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      running = 0;
      for (const id of ids) {
        // A kept-alive connection the server just closed fails once: ask again.
        const get = () => api.request<{ jobs: Array<{ state: string }> }>('GET', `/api/deployments/${id}`);
        const view = await get().catch(get);
        running += view.jobs.filter((j) => j.state === 'RUNNING').length;
      }
    }
    // Steady state: three passes after the last replica runs.
    const seen = manager.passes.length;
    while (manager.passes.length < seen + 3) await new Promise((resolve) => setTimeout(resolve, 200));

    const samples = [sample(manager.child.pid!)];
    const from = performance.now();
    // At least WINDOW seconds and 6 passes (slow passes make the window longer).
    const passesSince = () => manager.passes.filter((p) => p.at >= from).length;
    while (performance.now() - from < WINDOW_S * 1000 || passesSince() < 6) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      samples.push(sample(manager.child.pid!));
    }
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const minutes = (last.at - first.at) / 60_000;
    const inWindow = manager.passes.filter((p) => p.at >= from && p.at <= last.at);
    const durations = inWindow.map((p) => p.durationMs);
    if (manager.errors.length > 0) out(`  (${manager.errors.length} failed passes: ${manager.errors[0]})`);
    if (inWindow.some((p) => p.actions > 0)) out('  (note: some passes in the window acted)');
    return {
      deployments,
      running,
      cpuSecondsPerMinute: (last.cpu - first.cpu) / minutes,
      rssMiB: samples.reduce((s, x) => s + x.rss, 0) / samples.length / 2 ** 20,
      rssGrowthMiBPerMinute: slope(samples.map((s) => [(s.at - first.at) / 60_000, s.rss / 2 ** 20])),
      passP50: quantile(durations, 0.5),
      passP95: quantile(durations, 0.95),
      passes: durations.length,
    };
  } finally {
    manager.child.kill('SIGTERM');
    await manager.exited;
  }
}

try {
  out(
    `manager process on the localnet (pass interval ${INTERVAL_MS / 1000} s, ${WINDOW_S} s window per run, every replica RUNNING)`,
  );
  const results: RunResult[] = [];
  for (const deployments of RUNS) {
    const r = await run(deployments);
    results.push(r);
    const base = results[0]!;
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(1)}×` : '–');
    out(
      `  ${String(deployments).padStart(3)} deployments (${String(r.running).padStart(3)} running jobs): CPU ${r.cpuSecondsPerMinute.toFixed(2)} s/min (${ratio(r.cpuSecondsPerMinute, base.cpuSecondsPerMinute)} the idle manager), RSS ${r.rssMiB.toFixed(0)} MiB (+${(r.rssMiB - base.rssMiB).toFixed(0)} MiB), growth ${r.rssGrowthMiBPerMinute.toFixed(2)} MiB/min; pass p50 ${r.passP50.toFixed(1)} ms, p95 ${r.passP95.toFixed(1)} ms (${r.passes} passes)`,
    );
  }
} finally {
  actors.close();
  await localnet.close();
  rmSync(dir, { recursive: true, force: true });
}
