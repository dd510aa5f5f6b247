/**
 * End-to-end figures of the whole system on this machine: the embedded localnet, a node, the real Docker engine.
 *
 * - latency of one job (examples/hello-world.json) with a node waiting in the queue: post → its container running, post → COMPLETED with the result posted, the same job confidential (post → real result from the node); against the same container with plain `docker run --rm` and
 *   the definition run by the runtime alone (no chain, no IPFS) — what the protocol adds, in seconds and as a ratio;
 * - throughput: a burst of trivial jobs posted at once into a market served by one node, then by two nodes
 *   (jobs completed per minute);
 * - the RSS of an idle `nosana node start` daemon (the built CLI, queued, waiting).
 *
 * Run from the repository root: pnpm bench (all benchmarks) or
 *   node --conditions=@nosana/source --import tsx tests/bench/e2e.ts [--runs 30] [--burst 30]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAuthHeader, jobAuthMessage, type NosanaClient } from '@nosana/chain';
import { confidentialPlaceholder, type JobDefinition } from '@nosana/core';
import { createRuntime } from '@nosana/runtime';
import { Keypair } from '@solana/web3.js';
import { startNetwork } from '../src/helpers/network.js';
import { percentile } from '../src/helpers/stats.js';
import { startBuiltNode } from './built-node.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, burst: { type: 'string', default: '30' } },
});
const runs = Number(values.runs);
const burst = Number(values.burst);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hello = JSON.parse(readFileSync(join(root, 'examples', 'hello-world.json'), 'utf8')) as JobDefinition;
const NOS = 1_000_000n;

const ms = (n: number) => `${n.toFixed(0)} ms`;
const row = (label: string, samples: number[]) =>
  `| ${label} | ${samples.length} | ${ms(percentile(samples, 50))} | ${ms(percentile(samples, 95))} | ${ms(Math.min(...samples))} |`;

const network = await startNetwork();
const lines: string[] = [];
try {
  // --- latency of one job, a node waiting
  // When each job's container started, as the node reports it (same process, same clock).
  const containerStarted = new Map<string, number>();
  const { node, api } = await network.node({
    onEvent: (event) => {
      if (
        event.type === 'runtime' &&
        event.event.type === 'op-status' &&
        event.event.status === 'running' &&
        !containerStarted.has(event.event.jobId)
      ) {
        containerStarted.set(event.event.jobId, performance.now());
      }
    },
  });
  const poster = network.actor(10_000n * NOS);
  await poster.jobs
    .post({ definition: hello, market: 'cpu', timeout: 600 })
    .then((p) => poster.jobs.waitFor(p.job, (j) => j.result !== null, { pollMs: 100 })); // warm-up
  const toRunning: number[] = [];
  const toCompleted: number[] = [];
  for (let i = 0; i < runs; i++) {
    while (node.state() !== 'queued') await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const posted = await poster.jobs.post({ definition: hello, market: 'cpu', timeout: 600 });
    await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 100 });
    toCompleted.push(performance.now() - started);
    const running = containerStarted.get(posted.job.toBase58());
    if (running === undefined)
      throw new Error(`no container start was reported for ${posted.job.toBase58()}`);
    toRunning.push(running - started);
  }
  // The same job posted confidentially (placeholder on IPFS, definition through the node API, result from it).
  const confidential: number[] = [];
  const posterKey = Keypair.generate();
  const confidentialPoster = network.actor(10_000n * NOS, posterKey);
  for (let i = 0; i < runs; i++) {
    while (node.state() !== 'queued') await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    await runConfidential(confidentialPoster, posterKey, api.url);
    confidential.push(performance.now() - started);
  }
  await network.stopNodes();

  // --- the same definition without the protocol
  const runtime = createRuntime({ engine: network.engine.engine, scope: 'bench' });
  const runtimeOnly: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const flow = await runtime.runFlow({ jobId: `bench-${i}`, definition: hello });
    if (flow.status !== 'success') throw new Error(`runtime run failed: ${flow.status}`);
    if (i > 0) runtimeOnly.push(performance.now() - started);
  }
  await runtime.reap();
  const dockerRun: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const run = spawnSync(
      'docker',
      ['run', '--rm', 'busybox:1.35', 'sh', '-c', "echo 'Hello from the Nosana Network!' && uname -m"],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`docker run failed: ${run.stderr}`);
    if (i > 0) dockerRun.push(performance.now() - started);
  }

  lines.push('| hello-world | runs | p50 | p95 | min |', '|---|---|---|---|---|');
  lines.push(row('post → container running (the node reports it)', toRunning));
  lines.push(row('post → COMPLETED, result posted and read', toCompleted));
  lines.push(
    row(
      'post → result, confidential (`--confidential`: delivered and collected via the node API)',
      confidential,
    ),
  );
  lines.push(row('`docker run --rm` of the same container', dockerRun));
  lines.push(row('the runtime alone (no chain, no IPFS)', runtimeOnly));
  const overhead = percentile(toCompleted, 50) - percentile(dockerRun, 50);
  lines.push(
    '',
    `Overhead of the network at p50: post → result ${ms(percentile(toCompleted, 50))} vs docker run ${ms(percentile(dockerRun, 50))}: +${(overhead / 1000).toFixed(2)} s, ×${(percentile(toCompleted, 50) / percentile(dockerRun, 50)).toFixed(2)}. Confidential: ×${(percentile(confidential, 50) / percentile(toCompleted, 50)).toFixed(2)} the public job's post → result.`,
  );

  // --- throughput: a burst into one node, then two
  lines.push('', '| burst of trivial jobs | jobs | total | jobs/min |', '|---|---|---|---|');
  const trivial: JobDefinition = {
    version: '0.1',
    type: 'container',
    ops: [{ type: 'container/run', id: 'true', args: { image: 'busybox:1.35', cmd: ['true'] } }],
  };
  for (const nodes of [1, 2]) {
    for (let n = 0; n < nodes; n++) await network.node({ key: Keypair.generate() });
    const started = performance.now();
    const posted = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        poster.jobs.post({
          definition: { ...trivial, meta: { trigger: 'cli', description: `burst ${i}` } },
          market: 'cpu',
          timeout: 600,
        }),
      ),
    );
    await Promise.all(
      posted.map((p) => poster.jobs.waitFor(p.job, (j) => j.result !== null, { pollMs: 250 })),
    );
    const seconds = (performance.now() - started) / 1000;
    lines.push(
      `| ${nodes} node${nodes > 1 ? 's' : ''} on one market | ${burst} | ${seconds.toFixed(1)} s | ${((burst / seconds) * 60).toFixed(0)} |`,
    );
    await network.stopNodes();
  }

  // --- idle node RSS: the built `nosana node start` daemon, what a host runs, queued and waiting
  const dir = mkdtempSync(join(tmpdir(), 'nosana-bench-node-'));
  try {
    const { child, exited } = await startBuiltNode({ network, dir });
    const rssMiB = () =>
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      samples.push(rssMiB());
    }
    child.kill('SIGTERM');
    await exited;
    lines.push(
      '',
      `Idle node (\`nosana node start\`, built, queued on the cpu market; RSS sampled each second for 10 s): p50 ${percentile(samples, 50).toFixed(0)} MiB, max ${Math.max(...samples).toFixed(0)} MiB.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await network.close();
}
/**
 * One confidential hello-world, as `job post --confidential --wait` does it: the placeholder posted, the definition
 * delivered to the node API once a node runs the job, the real result collected from it.
 */
async function runConfidential(poster: NosanaClient, key: Keypair, api: string): Promise<void> {
  const posted = await poster.jobs.post({
    definition: confidentialPlaceholder(),
    market: 'cpu',
    timeout: 600,
  });
  const job = posted.job.toBase58();
  const auth = () => ({ authorization: createAuthHeader(key, jobAuthMessage(job)) });
  const retryIn = () => new Promise((resolve) => setTimeout(resolve, 20));
  for (;;) {
    const answer = await fetch(`${api}/job/${job}/job-definition`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify(hello),
    });
    if (answer.ok) break;
    await retryIn();
  }
  for (;;) {
    const answer = await fetch(`${api}/job/${job}/results`, { headers: auth() });
    if (answer.ok) {
      const flow = (await answer.json()) as { status: string };
      if (flow.status !== 'success') throw new Error(`confidential job ${job} ended ${flow.status}`);
      return;
    }
    await retryIn();
  }
}

process.stdout.write(
  `${lines.join('\n')}\n\n${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);
