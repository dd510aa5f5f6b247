/**
 * Indexer figures, on an in-process localnet (temporary data dir) and an in-process indexer (temporary database):
 *
 * 1. backfill: `--jobs` COMPLETED Job accounts in the cpu market (written with `bank.setAccount` and
 *    `encodeJobAccount`, the codec the emulated program writes them with — see packages/localnet/bench/rpc.ts),
 *    then the indexer starts: time to its first backfill → accounts/s;
 * 2. job listing, `--calls` calls after one warm-up: the indexer API (`/api/jobs?market=…&limit=20`, what
 *    `nosana job list --market cpu` asks for, and a 500-job page) against the baseline in the same run: the RPC scan
 *    (`getProgramAccounts` with discriminator + market memcmp, raw JSON-RPC, and the chain client's `jobs.list`);
 * 3. lag: `--posts` jobs posted by real transactions (chain client `jobs.post`), one after the other; for each, the
 *    time from the transaction's confirmation to the change arriving on the indexer's SSE stream (the row is
 *    committed before the change is sent) → p50/p95.
 *
 * Run from packages/indexer:
 *   node --conditions=@nosana/source --import tsx bench/indexer.ts [--jobs 10000] [--calls 20] [--posts 50]
 *     [--baseline-calls <n, default --calls>]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ACCOUNT_DISCRIMINATORS,
  ACCOUNT_SPACE,
  createKuboStore,
  createNosanaClient,
  encodeJobAccount,
  OFFSETS,
  PROGRAM_ADDRESSES,
} from '@nosana/chain';
import type { JobDefinition } from '@nosana/core';
import { startLocalnet } from '@nosana/localnet';
import { base58 } from '@scure/base';
import { Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js';
import { startIndexer } from '../src/indexer.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '10000' },
    calls: { type: 'string', default: '20' },
    posts: { type: 'string', default: '50' },
    'baseline-calls': { type: 'string' },
  },
});
const jobs = Number(values.jobs);
const calls = Number(values.calls);
const posts = Number(values.posts);
// The RPC scans cost seconds each at 100,000 jobs: fewer of them keep the run short.
const baselineCalls = Number(values['baseline-calls'] ?? calls);
const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`${line}\n`);
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 1 : 0 });
const JOBS = PROGRAM_ADDRESSES.mainnet.jobs;
const rows: string[][] = [];

const loadBefore = loadavg()[0]!;
const dir = mkdtempSync(join(tmpdir(), 'nosana-indexer-bench-'));
// No ledger snapshots: a temporary ledger needs none, and litesvm's snapshot cannot hold 100,000 accounts.
const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0, autosaveMs: 0 });
const key = Keypair.generate();
localnet.bank.airdrop(key.publicKey.toBase58(), 100n * BigInt(LAMPORTS_PER_SOL));
localnet.airdropNos(key.publicKey.toBase58(), 1_000_000_000n);
const client = createNosanaClient({
  network: 'localnet',
  rpcUrl: localnet.rpcUrl,
  wsUrl: localnet.wsUrl,
  wallet: key,
  ipfs: createKuboStore({ url: localnet.ipfsApiUrl }),
});
let indexer: Awaited<ReturnType<typeof startIndexer>> | undefined;
try {
  const cpu = await client.markets.get('cpu');
  progress(`writing ${jobs} Job accounts…`);
  const digest = (label: string) => createHash('sha256').update(label).digest();
  const lamports = localnet.bank.rentExempt(ACCOUNT_SPACE.JobAccount);
  const now = localnet.bank.unixTime();
  const nodes = Array.from({ length: 50 }, () => Keypair.generate().publicKey);
  const writing = performance.now();
  for (let i = 0; i < jobs; i++) {
    const timeStart = now - 86_400 + (i % 86_000);
    localnet.bank.setAccount(new PublicKey(digest(`job-${i}`)), {
      lamports,
      owner: JOBS,
      executable: false,
      data: encodeJobAccount({
        ipfsJob: digest(`definition-${i}`),
        ipfsResult: digest(`result-${i}`),
        market: cpu.address,
        node: nodes[i % nodes.length]!,
        payer: key.publicKey,
        price: cpu.jobPrice,
        project: key.publicKey,
        state: 2,
        timeEnd: timeStart + 60 + (i % 500),
        timeStart,
        timeout: 3600,
      }),
    });
    if (i % 10_000 === 9_999) progress(`  ${i + 1} written (${fmt(performance.now() - writing)} ms)`);
  }

  const started = performance.now();
  indexer = await startIndexer({
    rpcUrl: localnet.rpcUrl,
    wsUrl: localnet.wsUrl,
    dbPath: join(dir, 'indexer.db'),
    listen: 0,
    webRoot: null,
  });
  await indexer.ready;
  const backfillMs = performance.now() - started;
  const rate = fmt(jobs / (backfillMs / 1000));
  rows.push([
    'backfill',
    `${jobs} jobs + markets, start → first backfill done (**${rate} accounts/s**)`,
    '1',
    fmt(backfillMs),
    '',
    '',
  ]);

  const market = cpu.address.toBase58();
  const time = async (what: string, how: string, run: () => Promise<number>, n = calls) => {
    const samples: number[] = [];
    let size = 0;
    try {
      await run();
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        size = await run();
        samples.push(performance.now() - t);
      }
    } catch (error) {
      // A baseline the network cannot serve at this size (the localnet drops a getProgramAccounts over 100,000
      // jobs) is reported as such, not as a number.
      const reason =
        ((error as Error).cause as { code?: string } | undefined)?.code ?? (error as Error).message;
      rows.push([what, how, String(n), 'n.a.', '', `failed: ${reason}`]);
      return;
    }
    rows.push([
      what,
      how,
      String(n),
      `**${fmt(quantile(samples, 0.5))}**`,
      fmt(quantile(samples, 0.95)),
      size ? `${(size / 1e6).toFixed(2)} MB` : '',
    ]);
  };
  const api = (query: string, expected: number) => async () => {
    const text = await (await fetch(`${indexer!.url}/api/jobs?${query}`)).text();
    const n = (JSON.parse(text) as { items: unknown[] }).items.length;
    if (n !== expected) throw new Error(`the API returned ${n} jobs, expected ${expected}`);
    return text.length;
  };
  await time(
    'job list',
    `indexer API, market filter, 20 per page (\`nosana job list --market cpu --indexer\`)`,
    api(`market=${market}&limit=20`, 20),
  );
  await time('job list', 'indexer API, market filter, 500 per page', api(`market=${market}&limit=500`, 500));
  await time(
    'job list',
    'baseline: raw JSON-RPC `getProgramAccounts` (discriminator + market memcmp)',
    async () => {
      const text = await (
        await fetch(localnet.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'getProgramAccounts',
            params: [
              JOBS,
              {
                encoding: 'base64',
                filters: [
                  { memcmp: { offset: 0, bytes: base58.encode(ACCOUNT_DISCRIMINATORS.JobAccount) } },
                  { memcmp: { offset: OFFSETS.job.market, bytes: market } },
                ],
              },
            ],
          }),
        })
      ).text();
      const n = (JSON.parse(text) as { result: unknown[] }).result.length;
      if (n !== jobs) throw new Error(`the scan returned ${n} jobs, expected ${jobs}`);
      return text.length;
    },
    baselineCalls,
  );
  await time(
    'job list',
    'baseline: chain client `jobs.list({ market, limit: 20 })` (what `nosana job list` does without an indexer)',
    async () => {
      const listed = await client.jobs.list({ market: 'cpu', limit: 20 });
      if (listed.length !== 20) throw new Error(`jobs.list returned ${listed.length}`);
      return 0;
    },
    baselineCalls,
  );

  progress(`posting ${posts} jobs and timing them onto the stream…`);
  const controller = new AbortController();
  const stream = await fetch(`${indexer.url}/api/stream`, { signal: controller.signal });
  const reader = stream.body!.getReader();
  const seen = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  void (async () => {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += new TextDecoder().decode(value);
      for (const match of buffer.matchAll(/"address":"(\w+)","status":"QUEUED"/g)) {
        if (!seen.has(match[1]!)) {
          seen.set(match[1]!, performance.now());
          waiters.get(match[1]!)?.();
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 1);
    }
  })();
  const definition: JobDefinition = {
    version: '0.1',
    type: 'container',
    ops: [{ type: 'container/run', id: 'a', args: { image: 'busybox:1.35', cmd: 'true' } }],
  };
  const lags: number[] = [];
  const confirms: number[] = [];
  for (let i = 0; i < posts; i++) {
    const sent = performance.now();
    const posted = await client.jobs.post({ definition, market: 'gpu', timeout: 60 });
    confirms.push(performance.now() - sent);
    const address = posted.job.toBase58();
    if (!seen.has(address)) await new Promise<void>((resolve) => waiters.set(address, resolve));
    lags.push(seen.get(address)! - sent);
  }
  controller.abort();
  const p = (xs: number[], q: number) => fmt(quantile(xs, q));
  rows.push([
    'lag',
    '`jobs.post` sent → change on the SSE stream (row committed)',
    String(posts),
    `**${p(lags, 0.5)}**`,
    p(lags, 0.95),
    '',
  ]);
  rows.push([
    'lag',
    'baseline: `jobs.post` sent → confirmed to the poster',
    String(posts),
    p(confirms, 0.5),
    p(confirms, 0.95),
    '',
  ]);
} finally {
  await indexer?.close();
  client.close();
  await localnet.close().catch((e: Error) => progress(`localnet close: ${e.message}`));
  rmSync(dir, { recursive: true, force: true });
}

const cpu = cpus();
out(
  `node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim()}; load average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
);
out(`options: --jobs ${jobs} --calls ${calls} --baseline-calls ${baselineCalls} --posts ${posts}`);
out();
out('| what | how | n | p50 ms | p95 ms | response |');
out('|---|---|---|---|---|---|');
for (const row of rows) out(`| ${row.join(' | ')} |`);
