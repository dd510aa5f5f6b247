/**
 * Figures of the deployment manager (docs/benchmarks.md, "Deployments"):
 * 1. schedule jitter — how late a SCHEDULED listing is recorded after its cron firing, over 1,000 firings, on a
 *    clock accelerated ×SPEED (a 6-field cron firing every simulated second); reported in real milliseconds;
 * 2. overhead — one reconciler pass and the process's RSS/CPU with 100 deployments × 3 replicas against the
 *    fake chain, against the same pass with no deployments (baseline) in the same run.
 * Run: pnpm --filter @nosana/deployments bench
 */
import { performance } from 'node:perf_hooks';
import type { JobDefinition } from '@nosana/core';
import { createManager, openStore } from '../src/index.js';
import { createFakeChain } from '../test/fake-chain.js';

const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'web', args: { image: 'nginx:1.27', expose: 80 } }],
};
const out = (line = '') => process.stdout.write(`${line}\n`);
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function jitter(firings: number, speed: number) {
  const start = Date.now();
  const origin = performance.now();
  const clock = {
    get now() {
      return start + (performance.now() - origin) * speed;
    },
    set now(_: number) {},
  };
  const fake = createFakeChain({ clock: clock as { now: number }, balance: 10n ** 15n });
  const store = openStore(':memory:');
  const manager = createManager({ store, chain: fake.chain, now: () => clock.now });
  const d = await manager.create({
    definition,
    market: 'cpu',
    replicas: 1,
    strategy: 'SCHEDULED',
    schedule: '* * * * * *',
    timeout: 60,
    budget: 10n ** 15n,
  });
  while (store.jobs(d.id).length < firings) {
    const plans = await manager.tick();
    const next = plans.get(d.id)?.next;
    const wait = next ? Math.max(0, (next.at - clock.now) / speed) : 1;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const late = store.jobs(d.id).map((j) => (j.listedAt - j.firing!) / speed);
  const firingsSeen = new Set(store.jobs(d.id).map((j) => j.firing!));
  const sorted = [...firingsSeen].sort((a, b) => a - b);
  // Every firing second from the first to the last must have a job.
  const missed = (sorted.at(-1)! - sorted[0]!) / 1000 + 1 - sorted.length;
  store.close();
  return { late, duplicates: late.length - firingsSeen.size, missed };
}

async function overhead(deployments: number, replicas: number, passes: number) {
  const clock = { now: Date.now() };
  const fake = createFakeChain({ clock, balance: 10n ** 15n });
  const store = openStore(':memory:');
  const manager = createManager({ store, chain: fake.chain, now: () => clock.now });
  for (let i = 0; i < deployments; i++) {
    await manager.create({
      definition,
      market: 'cpu',
      replicas,
      strategy: 'SIMPLE-EXTEND',
      timeout: 3600,
      budget: 10n ** 12n,
    });
  }
  await manager.tick();
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < passes; i++) {
    fake.advance(5_000);
    const t = performance.now();
    await manager.tick();
    times.push(performance.now() - t);
  }
  const used = process.cpuUsage(cpu);
  const open = fake.open().length;
  store.close();
  return {
    p50: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    cpuMsPerPass: (used.user + used.system) / 1000 / passes,
    open,
    rss: process.memoryUsage().rss,
  };
}

const speed = Number(process.env.SPEED ?? 20);
const { late, duplicates, missed } = await jitter(1000, speed);
out(
  `schedule jitter over ${late.length} firings (clock ×${speed}): p50 ${quantile(late, 0.5).toFixed(2)} ms, p99 ${quantile(late, 0.99).toFixed(2)} ms, max ${Math.max(...late).toFixed(2)} ms; duplicated ${duplicates}, missed ${missed}`,
);
const rss0 = process.memoryUsage().rss;
const baseline = await overhead(0, 3, 50);
const loaded = await overhead(100, 3, 50);
out(
  `reconciler pass, 0 deployments: p50 ${baseline.p50.toFixed(2)} ms, CPU ${baseline.cpuMsPerPass.toFixed(2)} ms/pass`,
);
out(
  `reconciler pass, 100 deployments × 3 replicas (${loaded.open} open jobs): p50 ${loaded.p50.toFixed(1)} ms, p95 ${loaded.p95.toFixed(1)} ms, CPU ${loaded.cpuMsPerPass.toFixed(1)} ms/pass; RSS ${(loaded.rss / 2 ** 20).toFixed(0)} MiB (process at start ${(rss0 / 2 ** 20).toFixed(0)} MiB)`,
);
