/**
 * A market with many hosts: one embedded localnet, N in-process host nodes (`startHostNode` over the runtime's fake
 * engine: Docker would be the bottleneck, not the market), M trivial jobs posted by 10 clients into the `cpu`
 * market. For each N it prints matching throughput (jobs/s from the first post to the last finish), queue wait
 * (listed → started by its node) p50/p95, fairness (jobs per host, Gini), RPC calls per job (counted at the
 * localnet's RPC server) and the load of the one process; and it fails loudly when a job is claimed or run twice,
 * not finished exactly once, or a base unit of NOS is lost or made (every NOS token account of the ledger).
 *
 * Run from the repository root: bash scripts/bench scale, or
 *   node --conditions=@nosana/source --import tsx tests/bench/scale.ts [--hosts 10,50,100] [--jobs 5000]
 *     [--clients 10] [--job-ms 5] [--poll-ms 5000] [--stall 120]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gini, percentile } from '../src/helpers/stats.js';
import { runScaleMarket, type ScaleMarketResult } from './scale-market.js';

const { values } = parseArgs({
  // pnpm passes a `--` through to the script.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    hosts: { type: 'string', default: '10,50,100' },
    jobs: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '10' },
    'job-ms': { type: 'string', default: '5' },
    'poll-ms': { type: 'string', default: '5000' },
    stall: { type: 'string', default: '120' },
  },
});
const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`--${name} must be a positive integer, got ${text}`);
  return n;
};
const hostCounts = values.hosts.split(',').map((h) => positive('hosts', h));
const jobs = positive('jobs', values.jobs);
const clients = positive('clients', values.clients);
const jobMs = positive('job-ms', values['job-ms']);
const pollMs = positive('poll-ms', values['poll-ms']);
const stallMs = positive('stall', values.stall) * 1000;

const print = (line = '') => process.stdout.write(`${line}\n`);
/** The 1-minute load average (the machine is shared: the figures depend on it). */
const load = () => loadavg()[0]!.toFixed(1);

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
print(
  `\nScale — ${jobs} jobs by ${clients} clients into one market; in-process nodes on a fake engine (jobs run ${jobMs} ms), node poll ${pollMs / 1000} s; ${cpus().length} cores (${cpus()[0]?.model})\n`,
);
print(
  '| hosts | jobs/s | CPU per job | listed → started p50 | p95 | post p50 | jobs per host min–max | Gini | peak jobs queued | posts refused (queue full) | RPC calls per job | `runs()` lookup before → after | event loop busy | load (1 min) before → after |',
);
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
const details: string[] = [];
for (const hosts of hostCounts) {
  const loadBefore = load();
  process.stderr.write(`\n${hosts} hosts, ${jobs} jobs, ${clients} clients (load ${loadBefore})\n`);
  const r: ScaleMarketResult = await runScaleMarket({
    hosts,
    jobs,
    clients,
    jobMs,
    pollMs,
    stallMs,
    onProgress: (line) => process.stderr.write(`  ${line}\n`),
  });
  const calls = [...r.rpc.values()].reduce((a, b) => a + b, 0);
  print(
    `| ${r.hosts} | ${(r.jobs / (r.elapsedMs / 1000)).toFixed(2)} | ${(r.cpuMs / r.jobs).toFixed(0)} ms | ${s(percentile(r.queueWaitMs, 50))} | ${s(percentile(r.queueWaitMs, 95))} | ${s(percentile(r.postMs, 50))} | ${Math.min(...r.perHost)}–${Math.max(...r.perHost)} | ${gini(r.perHost).toFixed(3)} | ${r.peakQueuedJobs} | ${r.queueFull} | ${(calls / r.jobs).toFixed(1)} | ${r.runsLookupMs.before.toFixed(1)} → ${r.runsLookupMs.after.toFixed(1)} ms | ${(r.loopUtilization * 100).toFixed(0)} % | ${loadBefore} → ${load()} |`,
  );
  const top = [...r.rpc]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([method, n]) => `${method} ${(n / r.jobs).toFixed(2)}`)
    .join(', ');
  details.push(`RPC calls per job with ${r.hosts} hosts: ${top}`);
  if (r.warnings.length > 0)
    details.push(`Node warnings with ${r.hosts} hosts: ${r.warnings.length} (first: ${r.warnings[0]})`);
}
print(`\n${details.join('\n')}`);
print(
  '\nInvariants checked on every run: each job started once, ran one container, finished once on chain by the host that ran it; every NOS token account moved by exactly what the chain billed (vault back to its start).',
);
