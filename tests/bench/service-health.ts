/**
 * Health-metered service jobs on this machine: the embedded localnet, a gateway, a node (real Docker) running the
 * web-service example. Each run breaks the service's health check (`rm /www/health` in its container) and measures:
 *
 * - health loss → the gateway answers 503 (its `offline` event);
 * - health loss → the job ended (the node's `finish` confirmed);
 * - the seconds billed after the health loss: the job's end on chain minus the moment of the loss (goal: ≤ grace +
 *   10 s; the node's bound is grace + one probe interval + settling).
 *
 * Run from the repository root: bash scripts/bench service-health, or
 *   node --conditions=@nosana/source --import tsx tests/bench/service-health.ts [--runs 3] [--grace 10] [--interval 5]
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type JobDefinition, settleJob } from '@nosana/core';
import { cachedChainReader, createChainReader, type GatewayEvent, startGateway } from '@nosana/gateway';
import type { NodeEvent } from '@nosana/node';
import { startNetwork } from '../src/helpers/network.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    grace: { type: 'string', default: '10' },
    interval: { type: 'string', default: '5' },
  },
});
const runs = Number(values.runs);
const graceMs = Number(values.grace) * 1000;
const intervalMs = Number(values.interval) * 1000;
const GATEWAY_PROBE_MS = 2000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webService = JSON.parse(
  readFileSync(join(root, 'examples', 'web-service.json'), 'utf8'),
) as JobDefinition;
const NOS = 1_000_000n;

const network = await startNetwork();
const gateway = await startGateway({
  domain: 'localhost',
  listen: { host: '127.0.0.1', port: 0 },
  chain: cachedChainReader({ reader: createChainReader({ client: network.actor() }), ttlMs: 1000 }),
  health: { startupIntervalMs: 200, intervalMs: GATEWAY_PROBE_MS },
});
type Waiter<T> = { match: (event: T) => boolean; resolve: (event: T) => void };
const waiters = { node: new Set<Waiter<NodeEvent>>(), gateway: new Set<Waiter<GatewayEvent>>() };
const next = <T>(set: Set<Waiter<T>>, match: (event: T) => boolean) =>
  new Promise<T>((resolve) => set.add({ match, resolve }));
const deliver = <T>(set: Set<Waiter<T>>, event: T) => {
  for (const waiter of [...set])
    if (waiter.match(event)) {
      set.delete(waiter);
      waiter.resolve(event);
    }
};
gateway.subscribe((event) => deliver(waiters.gateway, event));

const samples = { offline: [] as number[], ended: [] as number[], billedAfterLoss: [] as number[] };
try {
  await network.node({
    gateway: { url: gateway.url },
    serviceHealth: { graceMs, intervalMs },
    onEvent: (event) => deliver(waiters.node, event),
  });
  const poster = network.actor(10_000n * NOS);
  for (let run = 0; run < runs; run++) {
    const posted = await poster.jobs.post({ definition: webService, market: 'cpu', timeout: 3600 });
    const job = posted.job.toBase58();
    const offline = next(waiters.gateway, (e) => e.type === 'offline' && e.job === job);
    const finished = next(waiters.node, (e) => e.type === 'job-finished' && e.job === job);
    await next(waiters.gateway, (e) => e.type === 'online' && e.job === job);
    // Health lost: the file its check reads is removed.
    const [container] = await network.engine.docker.listContainers({
      filters: { label: [`org.nosana.job=${job}`] },
    });
    const exec = await network.engine.docker
      .getContainer(container!.Id)
      .exec({ Cmd: ['rm', '/www/health'], AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });
    const lostAt = Date.now();
    await offline;
    samples.offline.push(Date.now() - lostAt);
    await finished;
    samples.ended.push(Date.now() - lostAt);
    const done = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 200 });
    const { billable } = settleJob({
      price: done.price,
      timeout: done.timeout,
      timeStart: done.timeStart,
      timeEnd: done.timeEnd,
    });
    // Seconds billed after the loss: the job's end on chain (unix s) minus the loss.
    samples.billedAfterLoss.push(done.timeEnd - lostAt / 1000);
    process.stderr.write(`run ${run + 1}/${runs}: ${job} billed ${billable} s in all\n`);
  }
} finally {
  await network.close();
  await gateway.close();
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;
const max = (v: number[]) => Math.max(...v);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const print = (line: string) => process.stdout.write(`${line}\n`);
print(
  `\nService health metering — ${runs} runs, node grace ${graceMs / 1000} s, node probe every ${intervalMs / 1000} s, gateway probe every ${GATEWAY_PROBE_MS / 1000} s (3 failures = offline); ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}\n`,
);
print('| from health loss to | median | max | bound |');
print('|---|---|---|---|');
print(
  `| gateway answers 503 | ${s(median(samples.offline))} | ${s(max(samples.offline))} | 3 gateway probes (${s(3 * GATEWAY_PROBE_MS)}) |`,
);
print(
  `| job ended (finish confirmed) | ${s(median(samples.ended))} | ${s(max(samples.ended))} | grace + 1 node probe (${s(graceMs + intervalMs)}) + settling |`,
);
print(
  `| end of billing (job's end on chain) | ${median(samples.billedAfterLoss).toFixed(1)} s | ${max(samples.billedAfterLoss).toFixed(1)} s | goal ≤ grace + 10 s (${(graceMs / 1000 + 10).toFixed(0)} s) |`,
);
