/**
 * Replacement time of a deployment on the localnet: a replica's container is killed (SIGKILL) and the time until a
 * new replica is online behind the deployment's URL is taken, with the real gateway, nodes running Docker, and the
 * manager following the gateway's events (tests/src/deployment-rig.ts; manager pass interval 1 s).
 *
 * Split into detection (kill → the replacement's LIST recorded) and start (LIST → the new replica online at the
 * gateway: listing, a node's match, the container, the tunnel, the first passing health check) — the start of a
 * fresh replica is the baseline a replacement cannot beat, measured in the same runs.
 *
 * Each deployment sees two kills (fewer than the fail-safe's 3 rapid failures), so runs use fresh deployments.
 *
 *   node --conditions=@nosana/source --import tsx tests/bench/deployment-replacement.ts [--runs 6]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { GatewayEvent } from '@nosana/gateway';
import { startDeploymentRig, webService } from '../src/deployment-rig.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '6' } } });
const runs = Number(values.runs);
const NOS = 1_000_000n;

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const ms = (n: number) => `${(n / 1000).toFixed(2)} s`;

const lists: Array<{ job: string; at: number }> = [];
const rig = await startDeploymentRig({
  nodes: 3,
  onEvent: (event) => {
    if (event.type === 'list' && event.job) lists.push({ job: event.job, at: performance.now() });
  },
});
/** When each job first came online at the gateway (this process's clock). */
const online = new Map<string, number>();
rig.gateway.subscribe((event) => {
  if (event.type === 'online' && !online.has(event.job)) online.set(event.job, performance.now());
});
const onlineJobs = (id: string) => {
  const latest = new Map<string, GatewayEvent['type']>();
  for (const e of rig.events) if (e.deploymentId === id) latest.set(e.job, e.type);
  return [...latest].filter(([, type]) => type === 'online').map(([job]) => job);
};

const total: number[] = [];
const detect: number[] = [];
const start: number[] = [];
try {
  let deployment: string | null = null;
  for (let run = 0; run < runs; run++) {
    if (run % 2 === 0) {
      if (deployment) {
        rig.manager.stop(deployment);
        const stopped = deployment;
        await rig.waitForEvent(() => onlineJobs(rig.stableId(stopped)).length === 0);
      }
      const d = await rig.manager.create({
        definition: webService,
        market: 'cpu',
        replicas: 2,
        strategy: 'SIMPLE-EXTEND',
        timeout: 900,
        budget: 1000n * NOS,
      });
      deployment = d.id;
    }
    const id = rig.stableId(deployment!);
    await rig.waitForEvent(() => onlineJobs(id).length === 2);
    const before = new Set(onlineJobs(id));
    const victim = [...before][0]!;
    const killedAt = performance.now();
    await rig.killReplica(victim);
    const event = await rig.waitForEvent(() => onlineJobs(id).some((job) => !before.has(job)));
    const replacement = event.job;
    const listed = lists.find((l) => l.job === replacement)!.at;
    const up = online.get(replacement)!;
    total.push(up - killedAt);
    detect.push(listed - killedAt);
    start.push(up - listed);
    process.stderr.write(`run ${run + 1}/${runs}: ${ms(up - killedAt)}\n`);
  }
} finally {
  await rig.close();
}

const row = (label: string, samples: number[]) =>
  `| ${label} | ${samples.length} | ${ms(percentile(samples, 50))} | ${ms(Math.max(...samples))} |`;
const lines = [
  '| replacement (localnet, real gateway, Docker) | runs | p50 | max |',
  '|---|---|---|---|',
  row('killed container → new replica online behind the URL', total),
  row('  detection: kill → replacement LIST recorded', detect),
  row('  start (baseline): LIST → new replica online', start),
  '',
  `replacement / fresh-replica start (p50): ×${(percentile(total, 50) / percentile(start, 50)).toFixed(2)}`,
];
process.stdout.write(
  `${lines.join('\n')}\n\n${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);
