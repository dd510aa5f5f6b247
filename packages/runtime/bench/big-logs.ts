/**
 * What a flow holds and returns when a job prints huge lines: one op prints `--lines` lines of `--mib` MiB each
 * (default 150 × 1 MiB, the case that gave a 156 MB result and 1.1 GB of RSS before logs were capped by bytes);
 * or, with `--flood <n>`, `n` short lines (`seq 1 n`), e.g. 1,000,000. Op logs wait on disk in `--log-dir` (default
 * a temporary directory) until the op ends.
 * Prints the result's JSON size, whether it fits the 16 MiB clients read, the kept lines, the truncation notice,
 * and the process's peak RSS (sampled every 50 ms) against its RSS before the flow.
 *
 * Run from packages/runtime (Docker must answer and have /bin/busybox to seed from):
 *   node --conditions=@nosana/source --import tsx bench/big-logs.ts [--lines 150] [--mib 1] [--flood 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import { connectEngine } from '../src/engine/discover.js';
import { createRuntime } from '../src/flow/runtime.js';
import { seedBusyboxImage } from '../src/images/seed-busybox.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '150' },
    mib: { type: 'string', default: '1' },
    flood: { type: 'string' },
    'log-dir': { type: 'string' },
  },
  // `pnpm run bench:logs -- --flood N` passes the `--` through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
});
const flood = values.flood === undefined ? undefined : Number(values.flood);
const lines = flood ?? Number(values.lines);
const bytes = flood === undefined ? Math.round(Number(values.mib) * 1024 * 1024) : 7;
const { engine, docker } = await connectEngine();
await seedBusyboxImage({ docker });
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'big',
      args: {
        image: 'busybox:1.35',
        cmd: [
          'sh',
          '-c',
          flood === undefined
            ? `i=0; while [ $i -lt ${lines} ]; do head -c ${bytes} /dev/zero | tr "\\0" a; echo; i=$((i+1)); done`
            : `seq 1 ${flood}`,
        ],
      },
    },
  ],
};
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
const started = Date.now();
const logDir = values['log-dir'] ?? mkdtempSync(join(tmpdir(), 'bench-big-logs-'));
const state = await createRuntime({ engine, scope: `bench-big-logs-${process.pid}`, logDir }).runFlow({
  jobId: 'big-logs',
  definition,
});
const seconds = (Date.now() - started) / 1000;
clearInterval(sampler);
if (!values['log-dir']) rmSync(logDir, { recursive: true, force: true });
let resultBytes: number | string;
try {
  resultBytes = Buffer.byteLength(JSON.stringify(state));
} catch (error) {
  resultBytes = `not serialisable: ${(error as Error).message}`;
}
const op = state.opStates[0]!;
const out = (line: string) => process.stdout.write(`${line}\n`);
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
out(
  flood === undefined
    ? `job printed ${lines} × ${mib(bytes)} = ${mib(lines * bytes)} in ${seconds.toFixed(1)} s; status ${state.status}`
    : `job printed ${flood} short lines (seq) in ${seconds.toFixed(1)} s; status ${state.status}`,
);
out(
  `result JSON: ${typeof resultBytes === 'number' ? `${mib(resultBytes)} (${resultBytes <= 16 * 1024 * 1024 ? 'fits' : 'exceeds'} 16 MiB)` : resultBytes}`,
);
out(`kept: ${op.logs.length} log entries; logsTruncated: ${op.logsTruncated ?? false}`);
out(`last entry: ${op.logs.at(-1)?.log.slice(0, 300)}`);
out(`RSS: ${mib(before)} before, ${mib(peak)} peak (+${mib(peak - before)})`);
