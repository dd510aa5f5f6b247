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
import { createHash } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import {
  ACCOUNT_DISCRIMINATORS,
  ACCOUNT_SPACE,
  createNosanaClient,
  decodeJobAccount,
  encodeJobAccount,
  type NosanaClient,
  OFFSETS,
} from '@nosana/chain';
import { bytes32ToCid, type CidV0 } from '@nosana/core';
import { base58 } from '@scure/base';
import {
  type BlockhashWithExpiryBlockHeight,
  Connection,
  type GetProgramAccountsFilter,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  sendAndConfirmTransaction,
  Transaction,
} from '@solana/web3.js';
import { type Localnet, startLocalnet } from '../src/localnet.js';
import { compileFilters } from '../src/solana/filters.js';
import { createRpcHandler } from '../src/solana/rpc.js';

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
const options = {
  n: positive('n'),
  concurrency: positive('concurrency'),
  window: positive('window'),
  jobs: positive('jobs'),
  otherJobs: count('other-jobs'),
  realJobs: count('real-jobs'),
  calls: positive('calls'),
};
if (options.realJobs > options.jobs) throw new Error('--real-jobs cannot exceed --jobs');

interface Row {
  section: string;
  what: string;
  how: string;
  count: string;
  rate: string;
  p50: string;
  p95: string;
  size: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const out = (line = '') => process.stdout.write(`${line}\n`);
const progress = (line: string) => process.stderr.write(`${line}\n`);
const ms = (start: number) => performance.now() - start;

const loadBefore = loadavg()[0]!;
const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
const connection = new Connection(localnet.rpcUrl, { commitment: 'confirmed', wsEndpoint: localnet.wsUrl });
// A client over the same connection, only for its close(): web3.js reconnects its WebSocket forever otherwise.
const clients: NosanaClient[] = [
  createNosanaClient({ network: 'localnet', rpcUrl: localnet.rpcUrl, wsUrl: localnet.wsUrl, connection }),
];
try {
  await transfers(localnet);
  await jobListing(localnet);
} finally {
  for (const client of clients) client.close();
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
printTable(rows);
if (notes.length > 0) out();
for (const note of notes) out(`- ${note}`);

// ------------------------------------------------------------------------------------------------ transfers

async function transfers(localnet: Localnet): Promise<void> {
  const { n, concurrency, window } = options;
  const payer = Keypair.generate();
  localnet.bank.airdrop(payer.publicKey.toBase58(), 10_000n * BigInt(LAMPORTS_PER_SOL));
  // Funded recipients: a transfer below the rent-exempt minimum into an empty account would fail.
  const recipients = Array.from({ length: 8 }, () => Keypair.generate().publicKey);
  for (const r of recipients) localnet.bank.airdrop(r.toBase58(), BigInt(LAMPORTS_PER_SOL));
  // Distinct amounts give distinct signatures even under one blockhash.
  let nextAmount = 1_000;
  const transfer = (blockhash: BlockhashWithExpiryBlockHeight) => {
    const amount = nextAmount++;
    const to = recipients[amount % recipients.length]!;
    const tx = new Transaction({ feePayer: payer.publicKey, ...blockhash }).add(
      SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: amount }),
    );
    tx.sign(payer);
    return { tx, to, amount };
  };
  const balances = async () => Promise.all(recipients.map((r) => connection.getBalance(r)));
  /** Checks that the recipients received exactly `sent` (lamports by recipient index). */
  const check = async (before: number[], sent: Map<string, number>, label: string) => {
    const after = await balances();
    recipients.forEach((r, i) => {
      const expected = before[i]! + (sent.get(r.toBase58()) ?? 0);
      if (after[i] !== expected)
        throw new Error(`${label}: ${r.toBase58()} holds ${after[i]}, expected ${expected}`);
    });
  };
  const credit = (sent: Map<string, number>, to: PublicKey, amount: number) =>
    sent.set(to.toBase58(), (sent.get(to.toBase58()) ?? 0) + amount);

  // Warm-up (not counted): module loading, the first WebSocket connection, JIT.
  for (let i = 0; i < 5; i++) {
    const { tx } = transfer(await connection.getLatestBlockhash());
    await sendAndConfirmTransaction(connection, tx, [payer]);
  }

  progress(`web3.js sendAndConfirmTransaction × ${n}, sequential…`);
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const latencies: number[] = [];
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      // Without a blockhash on the transaction, sendAndConfirmTransaction fetches one, signs, sends with
      // preflight and confirms (signatureSubscribe + block height): a whole client round trip per transfer.
      const tx = new Transaction().add(
        SystemProgram.transfer({
          fromPubkey: payer.publicKey,
          toPubkey: recipients[i % recipients.length]!,
          lamports: nextAmount,
        }),
      );
      credit(sent, recipients[i % recipients.length]!, nextAmount++);
      await sendAndConfirmTransaction(connection, tx, [payer]);
      latencies.push(ms(t0));
    }
    const total = ms(start);
    await check(before, sent, 'sendAndConfirmTransaction');
    rows.push({
      section: '1',
      what: 'confirmed transfers, web3.js',
      how: 'sendAndConfirmTransaction, sequential (blockhash, preflight, WebSocket confirm)',
      count: String(n),
      rate: txs(n, total),
      p50: fixed(percentile(latencies, 50)),
      p95: fixed(percentile(latencies, 95)),
      size: '',
    });
  }

  progress(`web3.js sendRawTransaction + confirmTransaction × ${n}, ${concurrency} in flight…`);
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const t0 = performance.now();
        const blockhash = await connection.getLatestBlockhash();
        const { tx, to, amount } = transfer(blockhash);
        const signature = await connection.sendRawTransaction(tx.serialize());
        const { value } = await connection.confirmTransaction({ signature, ...blockhash }, 'confirmed');
        if (value.err) throw new Error(`transfer ${signature} failed: ${JSON.stringify(value.err)}`);
        latencies.push(ms(t0));
        credit(sent, to, amount);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const total = ms(start);
    await check(before, sent, 'concurrent confirm');
    rows.push({
      section: '1',
      what: 'confirmed transfers, web3.js',
      how: `getLatestBlockhash + sendRawTransaction (preflight) + confirmTransaction (blockhash strategy), ${concurrency} in flight`,
      count: String(n),
      rate: txs(n, total),
      p50: fixed(percentile(latencies, 50)),
      p95: fixed(percentile(latencies, 95)),
      size: '',
    });
  }

  progress(
    `sendRawTransaction (skipPreflight) × ${n} pre-signed, ${window} in flight, then getSignatureStatuses…`,
  );
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const blockhash = await connection.getLatestBlockhash();
    const signed = Array.from({ length: n }, () => {
      const { tx, to, amount } = transfer(blockhash);
      credit(sent, to, amount);
      return { wire: tx.serialize(), signature: base58.encode(tx.signature!) };
    });
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(window, n) }, async () => {
        while (next < n) {
          const { wire, signature } = signed[next++]!;
          const returned = await connection.sendRawTransaction(wire, { skipPreflight: true });
          if (returned !== signature)
            throw new Error(`sendRawTransaction returned ${returned}, not ${signature}`);
        }
      }),
    );
    const pushed = ms(start);
    let pending = signed.map((s) => s.signature);
    let polls = 0;
    while (pending.length > 0) {
      const still: string[] = [];
      for (let i = 0; i < pending.length; i += 256) {
        const chunk = pending.slice(i, i + 256);
        const { value } = await connection.getSignatureStatuses(chunk);
        polls++;
        value.forEach((status, j) => {
          if (status?.err) throw new Error(`transfer ${chunk[j]} failed: ${JSON.stringify(status.err)}`);
          if (status?.confirmationStatus !== 'confirmed' && status?.confirmationStatus !== 'finalized')
            still.push(chunk[j]!);
        });
      }
      pending = still;
      if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const total = ms(start);
    await check(before, sent, 'raw');
    rows.push({
      section: '2',
      what: 'raw transfers over HTTP',
      how: `pre-signed, sendRawTransaction (skipPreflight), ${window} in flight, then getSignatureStatuses (${polls} call${polls === 1 ? '' : 's'} of ≤ 256)`,
      count: String(n),
      rate: `${txs(n, total)} (sent: ${txs(n, pushed)})`,
      p50: '',
      p95: '',
      size: '',
    });
  }

  progress(`bank.process × ${n} pre-signed (in-process, no HTTP)…`);
  {
    const before = await balances();
    const sent = new Map<string, number>();
    const { blockhash, lastValidBlockHeight } = localnet.bank.latestBlockhash();
    const signed = Array.from({ length: n }, () => {
      const { tx, to, amount } = transfer({ blockhash, lastValidBlockHeight });
      credit(sent, to, amount);
      return tx.serialize();
    });
    const start = performance.now();
    for (const wire of signed) {
      const result = localnet.bank.process(wire);
      if (result.err) throw new Error(`bank.process: ${JSON.stringify(result.err)}`);
    }
    const total = ms(start);
    await check(before, sent, 'bank.process');
    rows.push({
      section: '2',
      what: 'raw transfers, in-process',
      how: 'pre-signed, localnet.bank.process(wire) one after the other (the emulator without HTTP/JSON)',
      count: String(n),
      rate: txs(n, total),
      p50: '',
      p95: '',
      size: '',
    });
  }
}

// ------------------------------------------------------------------------------------------------ job listing

async function jobListing(localnet: Localnet): Promise<void> {
  const { jobs, otherJobs, realJobs, calls } = options;
  const ids = { jobs: new PublicKey(localnet.programs.jobs) };
  const [cpuMarket, gpuMarket] = localnet.markets;
  const market = new PublicKey(cpuMarket!.address);
  const otherMarket = new PublicKey(gpuMarket!.address);
  const actor = (nos: bigint) => {
    const wallet = Keypair.generate();
    localnet.bank.airdrop(wallet.publicKey.toBase58(), 100n * BigInt(LAMPORTS_PER_SOL));
    if (nos > 0n) localnet.airdropNos(wallet.publicKey.toBase58(), nos);
    const client = createNosanaClient({
      network: 'localnet',
      rpcUrl: localnet.rpcUrl,
      wsUrl: localnet.wsUrl,
      wallet,
    });
    clients.push(client);
    return { wallet, client };
  };
  const poster = actor(1_000_000n * 1_000_000n);
  const host = actor(0n);
  const definition = cid('definition');
  const result = cid('result');

  // Real jobs: the whole life cycle by the chain client's transactions.
  let realMs = 0;
  const realAddresses: PublicKey[] = [];
  if (realJobs > 0) {
    progress(`${realJobs} jobs by real transactions (node.work, jobs.post, node.finish)…`);
    await host.client.host.prepare();
    const start = performance.now();
    for (let i = 0; i < realJobs; i++) {
      await host.client.host.work(market);
      const { job, run } = await poster.client.jobs.post({
        definition: { cid: definition },
        market,
        timeout: 600,
      });
      const view = run && (await host.client.host.runs()).find((r) => r.address.equals(run));
      if (!view) throw new Error(`job ${job.toBase58()} was not matched with the waiting node`);
      await host.client.host.finish({ run: view, result });
      realAddresses.push(job);
    }
    realMs = ms(start);
  }

  // The real jobs' accounts must be exactly what the preloaded ones are made of.
  const space = ACCOUNT_SPACE.JobAccount;
  const lamports = localnet.bank.rentExempt(space);
  for (const address of realAddresses) {
    const account = localnet.bank.getAccount(address)!;
    const decoded = decodeJobAccount(account.data);
    if (decoded.state !== 2)
      throw new Error(`real job ${address.toBase58()} is in state ${decoded.state}, not 2`);
    if (!Buffer.from(encodeJobAccount(decoded, space)).equals(Buffer.from(account.data)))
      throw new Error(`encodeJobAccount does not reproduce the bytes of real job ${address.toBase58()}`);
    if (account.lamports !== lamports || account.owner !== ids.jobs.toBase58() || account.executable)
      throw new Error(`real job ${address.toBase58()} differs from a preloaded one in lamports/owner`);
  }

  progress(`preloading ${jobs - realJobs} + ${otherJobs} Job accounts (bank.setAccount + encodeJobAccount)…`);
  const nodes = Array.from({ length: 50 }, () => Keypair.generate().publicKey);
  const posters = Array.from({ length: 20 }, () => Keypair.generate().publicKey);
  const now = localnet.bank.unixTime();
  const preloadStart = performance.now();
  /** 32 bytes derived from a label: job addresses, definition and result digests. */
  const digest = (label: string) => createHash('sha256').update(label).digest();
  const preload = (inMarket: PublicKey, count: number, seed: string) => {
    const price = BigInt(inMarket.equals(market) ? cpuMarket!.jobPrice : gpuMarket!.jobPrice);
    for (let i = 0; i < count; i++) {
      const owner = posters[i % posters.length]!;
      const timeStart = now - 86_400 + (i % 86_000);
      localnet.bank.setAccount(new PublicKey(digest(`${seed}-job-${i}`)), {
        lamports,
        owner: ids.jobs.toBase58(),
        executable: false,
        data: encodeJobAccount(
          {
            ipfsJob: digest(`${seed}-definition-${i}`),
            ipfsResult: digest(`${seed}-result-${i}`),
            market: inMarket,
            node: nodes[i % nodes.length]!,
            payer: owner,
            price,
            project: owner,
            state: 2,
            timeEnd: timeStart + 60 + (i % 500),
            timeStart,
            timeout: 3600,
          },
          space,
        ),
      });
    }
  };
  preload(market, jobs - realJobs, 'cpu');
  preload(otherMarket, otherJobs, 'gpu');
  const preloadMs = ms(preloadStart);
  if (realJobs > 0) {
    const perJob = realMs / realJobs;
    notes.push(
      `${realJobs} jobs by real transactions (chain client: node.work + jobs.post + node.finish, ~10 RPC calls and 3 ` +
        `transactions per job): ${(realMs / 1000).toFixed(1)} s, ${perJob.toFixed(0)} ms per job → ` +
        `${((perJob * 10_000) / 60_000).toFixed(1)} min for 10,000 jobs. The other ${jobs - realJobs + otherJobs} ` +
        `Job accounts were written with bank.setAccount + encodeJobAccount in ${(preloadMs / 1000).toFixed(2)} s ` +
        '(the real jobs were checked to be byte-identical to that encoding).',
    );
  }

  const discriminator = base58.encode(ACCOUNT_DISCRIMINATORS.JobAccount);
  const filters: GetProgramAccountsFilter[] = [
    { memcmp: { offset: 0, bytes: discriminator } },
    { memcmp: { offset: OFFSETS.job.market, bytes: market.toBase58() } },
  ];
  const expected = jobs;
  const expectCount = (label: string, got: number) => {
    if (got !== expected) throw new Error(`${label}: ${got} jobs, expected ${expected}`);
  };
  /** Times `call` `calls` times after 1 warm-up call; it returns the response size in bytes (or 0). */
  const measure = async (what: string, how: string, call: () => Promise<number> | number) => {
    progress(`${what}: ${how}…`);
    let size = 0;
    await call();
    const latencies: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      size = await call();
      latencies.push(ms(t0));
    }
    rows.push({
      section: '3',
      what,
      how,
      count: String(calls),
      rate: `${(1000 / mean(latencies)).toFixed(1)} calls/s`,
      p50: fixed(percentile(latencies, 50)),
      p95: fixed(percentile(latencies, 95)),
      size: size ? mb(size) : '',
    });
  };
  const rawCall = async (config: object) => {
    const response = await fetch(localnet.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'getProgramAccounts',
        params: [ids.jobs.toBase58(), { encoding: 'base64', commitment: 'confirmed', filters, ...config }],
      }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { result: Array<{ account: { data: [string, string] } }> };
    expectCount('raw getProgramAccounts', body.result.length);
    return Buffer.byteLength(text);
  };
  const listing = `${jobs} jobs in the market, ${otherJobs} in another`;

  await measure(
    'job listing, chain client',
    `jobs.list({ market }) (+ its Run query), ${listing}`,
    async () => {
      const found = await poster.client.jobs.list({ market });
      expectCount('jobs.list', found.length);
      return 0;
    },
  );
  await measure(
    'job listing, web3.js',
    'connection.getProgramAccounts(jobs, { filters: [discriminator, market] })',
    async () => {
      const found = await connection.getProgramAccounts(ids.jobs, { filters });
      expectCount('web3.js getProgramAccounts', found.length);
      return 0;
    },
  );
  await measure(
    'job listing, raw JSON-RPC',
    'fetch getProgramAccounts, base64, [discriminator, market]',
    () => rawCall({}),
  );
  await measure(
    'job listing, raw JSON-RPC',
    '… with dataSlice { offset: 0, length: 0 } (addresses only)',
    () => rawCall({ dataSlice: { offset: 0, length: 0 } }),
  );
  // The same request on the RPC handler in the same process: no HTTP, no web3.js; JSON.stringify included.
  const handle = createRpcHandler(localnet.bank, { info: () => localnet, airdropNos: () => '' });
  await measure(
    'job listing, in-process',
    'RPC handler getProgramAccounts + JSON.stringify (no HTTP)',
    () => {
      const result = handle('getProgramAccounts', [
        ids.jobs.toBase58(),
        { encoding: 'base64', filters },
      ]) as unknown[];
      expectCount('handler', result.length);
      return Buffer.byteLength(JSON.stringify(result));
    },
  );
  const compiled = compileFilters(filters as Array<Record<string, unknown>>);
  await measure(
    'job listing, in-process',
    'bank.programAccounts(jobs, compileFilters(filters)) (the account scan, no JSON)',
    () => {
      expectCount('bank scan', localnet.bank.programAccounts(ids.jobs, compiled).length);
      return 0;
    },
  );
}

// ------------------------------------------------------------------------------------------------ helpers

/** A deterministic CIDv0 (a sha2-256 multihash of the label), like the digests jobs store. */
function cid(label: string): CidV0 {
  return bytes32ToCid(createHash('sha256').update(label).digest());
}

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

/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function fixed(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function txs(n: number, milliseconds: number): string {
  return `${(n / (milliseconds / 1000)).toFixed(0)} tx/s`;
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

function printTable(table: Row[]): void {
  const header = ['#', 'what', 'how', 'n', 'rate', 'p50 ms', 'p95 ms', 'response'];
  const cells = table.map((r) => [r.section, r.what, r.how, r.count, r.rate, r.p50, r.p95, r.size]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  out(line(header));
  out(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of cells) out(line(r));
}
