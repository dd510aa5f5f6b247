/**
 * Solana JSON-RPC throughput and latency of the localnet, on an in-process localnet with a temporary data directory
 * (removed at the end):
 *
 * 1. confirmed SOL transfers through unmodified @solana/web3.js: `sendAndConfirmTransaction` one after the other,
 *    and `sendRawTransaction` (with preflight) + `confirmTransaction` (blockhash strategy) with `--concurrency`
 *    transfers in flight → tx/s and latency (from fetching the blockhash to the confirmation);
 * 2. raw throughput: `--n` transfers signed before the clock starts, pushed with `sendRawTransaction`
 *    (`skipPreflight`) with `--window` requests in flight, then `getSignatureStatuses` (256 per call) until every one
 *    is confirmed → tx/s; and the same count processed directly by the ledger (`localnet.bank.process`), which is
 *    the emulator without HTTP and JSON;
 * 3. job listing with `--jobs` jobs in one market (plus `--other-jobs` in another market, so the market filter has
 *    something to reject): `getProgramAccounts` on the Jobs program filtered by the Job account discriminator and
 *    the market (memcmp), through the chain client's `jobs.list({ market })`, web3.js's `getProgramAccounts`, and raw
 *    JSON-RPC over HTTP with and without `dataSlice`, plus the same call on the RPC handler in-process (no HTTP) and
 *    the ledger's account scan alone → p50/p95 over `--calls` calls (after 1 warm-up call) and response size.
 *
 * Jobs: the first `--real-jobs` go through their whole life cycle by real transactions sent by the chain client
 * (`node.work`, `jobs.post`, `node.finish`: Job account in state COMPLETED, Run account closed). At the measured
 * rate, creating 10,000 jobs this way takes minutes (it is printed), so the others are written into the ledger
 * directly with `localnet.bank.setAccount` — what the genesis does for the NOS mint and the Rewards accounts — with
 * the bytes of `encodeJobAccount` from @nosana/chain, the codec the emulated Jobs program writes Job accounts with,
 * and the rent-exempt lamports its `init` gives them (COMPLETED jobs of 20 posters and 50 nodes; their addresses
 * are sha256 digests of a label rather than keypair public keys, which a listing cannot tell apart). Before timing,
 * the bench checks that re-encoding each real job's decoded fields reproduces the bytes the program wrote, and that
 * the lamports match.
 *
 * Every figure is checked: each transfer's status is Ok and the recipients' balances add up, every listing returns
 * exactly the jobs of the market.
 *
 * Run from packages/localnet:
 *   node --conditions=@nosana/source --import tsx bench/rpc.ts [--n 500] [--concurrency 16] [--window 64]
 *     [--jobs 10000] [--other-jobs 10000] [--real-jobs 20] [--calls 20]
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { createNosanaClient } from '@nosana/chain';
import { Connection } from '@solana/web3.js';
import { startLocalnet } from '../src/localnet.js';
import { jobListing } from './rpc-listing.js';
import { type BenchRun, printTable, type RpcBenchOptions } from './rpc-report.js';
import { transfers } from './rpc-transfers.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
    window: { type: 'string', default: '64' },
    jobs: { type: 'string', default: '10000' },
    'other-jobs': { type: 'string', default: '10000' },
    'real-jobs': { type: 'string', default: '20' },
    calls: { type: 'string', default: '20' },
  },
});
const options: RpcBenchOptions = {
  n: positive('n'),
  concurrency: positive('concurrency'),
  window: positive('window'),
  jobs: positive('jobs'),
  otherJobs: count('other-jobs'),
  realJobs: count('real-jobs'),
  calls: positive('calls'),
};
if (options.realJobs > options.jobs) throw new Error('--real-jobs cannot exceed --jobs');

const out = (line = '') => process.stdout.write(`${line}\n`);

const loadBefore = loadavg()[0]!;
const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
const connection = new Connection(localnet.rpcUrl, { commitment: 'confirmed', wsEndpoint: localnet.wsUrl });
// A client over the same connection, only for its close(): web3.js reconnects its WebSocket forever otherwise.
const run: BenchRun = {
  localnet,
  connection,
  options,
  rows: [],
  notes: [],
  clients: [
    createNosanaClient({ network: 'localnet', rpcUrl: localnet.rpcUrl, wsUrl: localnet.wsUrl, connection }),
  ],
  progress: (line) => process.stderr.write(`${line}\n`),
};
try {
  await transfers(run);
  await jobListing(run);
} finally {
  for (const client of run.clients) client.close();
  await localnet.close();
}

const cpu = cpus();
out(`node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim()}, data dir in ${tmpdir()} (removed)`);
out(`load average (1 min) ${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
out(
  `options: --n ${options.n} --concurrency ${options.concurrency} --window ${options.window} --jobs ${options.jobs} ` +
    `--other-jobs ${options.otherJobs} --real-jobs ${options.realJobs} --calls ${options.calls}`,
);
out();
printTable(run.rows, out);
if (run.notes.length > 0) out();
for (const note of run.notes) out(`- ${note}`);

function positive(name: keyof typeof values): number {
  const value = Number(values[name]);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function count(name: keyof typeof values): number {
  const value = Number(values[name]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be an integer ≥ 0`);
  return value;
}
