/** Section 3 of the RPC benchmark: listing the jobs of one market among many. */
import { createHash } from 'node:crypto';
import {
  ACCOUNT_DISCRIMINATORS,
  ACCOUNT_SPACE,
  createNosanaClient,
  decodeJobAccount,
  encodeJobAccount,
  type NosanaClient,
  OFFSETS,
} from '@nosana/chain';
import { base58 } from '@scure/base';
import { type GetProgramAccountsFilter, Keypair, LAMPORTS_PER_SOL, PublicKey } from '@solana/web3.js';
import type { Localnet } from '../src/localnet.js';
import { compileFilters } from '../src/solana/filters.js';
import { createRpcHandler } from '../src/solana/rpc.js';
import { type BenchRun, cid, fixed, mb, mean, ms, percentile } from './rpc-report.js';

/** Section 3: listing the jobs of a market, through every layer (see bench/rpc.ts). */
export async function jobListing(run: BenchRun): Promise<void> {
  const { localnet, clients } = run;
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
  const setup: ListingSetup = {
    ids,
    market,
    otherMarket,
    cpuMarket: cpuMarket!,
    gpuMarket: gpuMarket!,
    poster,
    host,
  };
  const real = await runRealJobs(run, setup);
  preloadJobs(run, setup, real);
  await measureListings(run, setup);
}

interface ListingSetup {
  ids: { jobs: PublicKey };
  market: PublicKey;
  otherMarket: PublicKey;
  cpuMarket: Localnet['markets'][number];
  gpuMarket: Localnet['markets'][number];
  poster: { client: NosanaClient };
  host: { client: NosanaClient };
}

/** Jobs through their whole life cycle by the chain client's transactions; checked against the codec. */
async function runRealJobs(
  { localnet, options, progress }: BenchRun,
  { ids, market, poster, host }: ListingSetup,
): Promise<{ ms: number; count: number }> {
  const { realJobs } = options;
  const definition = cid('definition');
  const result = cid('result');

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
  return { ms: realMs, count: realAddresses.length };
}

/** The other Job accounts, written into the ledger with the program's codec (see bench/rpc.ts). */
function preloadJobs(
  { localnet, options, progress, notes }: BenchRun,
  { ids, market, otherMarket, cpuMarket, gpuMarket }: ListingSetup,
  real: { ms: number; count: number },
): void {
  const { jobs, otherJobs, realJobs } = options;
  const realMs = real.ms;
  const space = ACCOUNT_SPACE.JobAccount;
  const lamports = localnet.bank.rentExempt(space);
  progress(`preloading ${jobs - realJobs} + ${otherJobs} Job accounts (bank.setAccount + encodeJobAccount)…`);
  const nodes = Array.from({ length: 50 }, () => Keypair.generate().publicKey);
  const posters = Array.from({ length: 20 }, () => Keypair.generate().publicKey);
  const now = localnet.bank.unixTime();
  const preloadStart = performance.now();
  /** 32 bytes derived from a label: job addresses, definition and result digests. */
  const digest = (label: string) => createHash('sha256').update(label).digest();
  const preload = (inMarket: PublicKey, count: number, seed: string) => {
    const price = BigInt(inMarket.equals(market) ? cpuMarket.jobPrice : gpuMarket.jobPrice);
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
}

/** Times each way of listing the market's jobs; every call must return exactly the market's jobs. */
async function measureListings(
  { localnet, connection, options, rows, progress }: BenchRun,
  { ids, market, poster }: ListingSetup,
): Promise<void> {
  const { jobs, otherJobs, calls } = options;
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
