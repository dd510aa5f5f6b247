import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACCOUNT_SPACE,
  callLocalnetRpc,
  createNosanaClient,
  JobType,
  loadWallet,
  type MarketView,
  marketVaultAddress,
  type NosanaClient,
  QueueType,
  sendTransaction,
} from '@nosana/chain';
import { isNosanaError, type JobDefinition } from '@nosana/core';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { createLocalnetActors, type LocalnetActors } from '@nosana/localnet/testing';
import { AccountLayout, createTransferInstruction } from '@solana/spl-token';
import { Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NOS = 1_000_000n;
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'hello', args: { image: 'busybox:1.35', cmd: 'echo hello' } }],
};

let localnet: Localnet;
const clients: NosanaClient[] = [];

let actors: LocalnetActors;

async function actor(nos = 0n): Promise<{ key: Keypair; client: NosanaClient }> {
  const key = Keypair.generate();
  return { key, client: actors.actor(nos, key) };
}

async function host(): Promise<{ key: Keypair; client: NosanaClient }> {
  const node = await actor();
  await node.client.host.prepare();
  return node;
}

beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  actors = createLocalnetActors(localnet);
});
afterAll(async () => {
  actors.close();
  for (const client of clients) client.close();
  await localnet.close();
});

describe('@nosana/chain client against the localnet', () => {
  it('airdrops SOL and NOS from the localnet faucets, and refuses NOS elsewhere before sending anything', async () => {
    const key = Keypair.generate();
    const client = createNosanaClient({
      network: 'localnet',
      rpcUrl: localnet.rpcUrl,
      wsUrl: localnet.wsUrl,
      wallet: key,
    });
    clients.push(client);
    const { signatures } = await client.airdrop({ sol: 2n * BigInt(LAMPORTS_PER_SOL), nos: 5n * NOS });
    expect(signatures).toHaveLength(2);
    expect(await client.balances()).toEqual({ sol: 2n * BigInt(LAMPORTS_PER_SOL), nos: 5n * NOS });

    const mainnet = createNosanaClient({ network: 'mainnet', wallet: key });
    await expect(mainnet.airdrop({ nos: 1n })).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__AIRDROP_UNAVAILABLE'),
    );
    mainnet.close();
  });

  it('lists markets by name and address', async () => {
    const { client } = await actor();
    const markets = await client.markets.list();
    expect(markets.map((m) => m.name).sort()).toEqual(['cpu', 'gpu']);
    const cpu = await client.markets.get('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', jobPrice: 100n, jobTimeout: 3600, queueKind: 'empty' });
    await expect(client.markets.get('tpu')).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__MARKET_NOT_FOUND'),
    );
  });

  it('runs the whole lifecycle: post → a queued node is matched → finish pays price × elapsed and refunds the rest', async () => {
    const { key: nodeKey, client: node } = await host();
    const { key: posterKey, client: poster } = await actor(100n * NOS);
    const queued = await node.host.work('cpu');
    expect(queued.run).toBeNull();
    expect(await node.host.isQueued('cpu')).toBe(true);

    const posted = await poster.jobs.post({ definition, market: 'cpu', timeout: 600 });
    expect(posted.run).not.toBeNull();
    expect(posted.deposit).toBe(600n * 100n);
    expect(await poster.jobs.definition(posted.job)).toEqual(definition);
    const running = await poster.jobs.get(posted.job);
    expect(running).toMatchObject({ state: 'RUNNING', definition: posted.definition, result: null });
    expect(running.node?.equals(nodeKey.publicKey)).toBe(true);

    const [run] = await node.host.runs();
    expect(run?.job.equals(posted.job)).toBe(true);
    await callLocalnetRpc(localnet.rpcUrl, 'localnet_advanceClock', [42]);
    const resultCid = await node.ipfs.putBytes(
      new TextEncoder().encode(JSON.stringify({ status: 'success', startTime: 1, endTime: 2, opStates: [] })),
    );
    await node.host.finish({ run: run!, result: resultCid });

    const done = await poster.jobs.get(posted.job);
    expect(done.state).toBe('COMPLETED');
    expect(done.result).toBe(resultCid);
    const billed = BigInt(done.timeEnd - done.timeStart);
    expect(billed).toBeGreaterThanOrEqual(42n);
    expect((await node.balances()).nos).toBe(100n * billed);
    expect((await poster.balances(posterKey.publicKey)).nos).toBe(100n * NOS - 100n * billed);
    expect(await poster.jobs.result(posted.job)).toMatchObject({ status: 'success' });
    expect(await node.host.runs()).toEqual([]);
  });

  it('queues a job when no node waits; the next node to work takes it; waitFor sees RUNNING', async () => {
    const { client: poster } = await actor(10n * NOS);
    const posted = await poster.jobs.post({ definition, market: 'gpu', timeout: 60 });
    expect(posted.run).toBeNull();
    expect((await poster.jobs.get(posted.job)).state).toBe('QUEUED');
    expect((await poster.markets.get('gpu')).queueKind).toBe('jobs');
    const { client: node } = await host();
    const waiting = poster.jobs.waitFor(posted.job, (j) => j.state === 'RUNNING', { pollMs: 200 });
    const { run } = await node.host.work('gpu');
    expect(run?.job.equals(posted.job)).toBe(true);
    expect((await waiting).state).toBe('RUNNING');
    await node.host.finish({ run: run!, result: posted.definition });
  });

  it('stops a queued job (full refund) and a running job (node paid for the time used)', async () => {
    const { key: posterKey, client: poster } = await actor(10n * NOS);
    const queued = await poster.jobs.post({ definition, market: 'gpu', timeout: 100 });
    expect(await poster.jobs.stop(queued.job)).toMatchObject({ action: 'delist' });
    expect((await poster.balances()).nos).toBe(10n * NOS);
    await expect(poster.jobs.get(queued.job)).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__JOB_NOT_FOUND'),
    );

    const { client: node } = await host();
    await node.host.work('gpu');
    const running = await poster.jobs.post({ definition, market: 'gpu', timeout: 100 });
    expect(await poster.jobs.stop(running.job)).toMatchObject({ action: 'end' });
    const ended = await poster.jobs.get(running.job);
    expect(ended.state).toBe('COMPLETED');
    const paid = (await node.balances()).nos;
    expect(paid).toBe(300n * BigInt(ended.timeEnd - ended.timeStart));
    expect((await poster.balances(posterKey.publicKey)).nos).toBe(10n * NOS - paid);
    await expect(poster.jobs.stop(running.job)).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__JOB_STATE'),
    );
  });

  it('extends a running job, and a node quits; the owner recovers the deposit or another node claims it', async () => {
    const { client: poster } = await actor(10n * NOS);
    const { client: first } = await host();
    await first.host.work('cpu');
    const posted = await poster.jobs.post({ definition, market: 'cpu', timeout: 30 });
    expect(await poster.jobs.extend(posted.job, 30)).toMatchObject({ timeout: 60 });
    expect((await poster.jobs.get(posted.job)).timeout).toBe(60);
    expect((await poster.balances()).nos).toBe(10n * NOS - 60n * 100n);

    const [run] = await first.host.runs();
    await first.host.quit(run!);
    expect((await poster.jobs.get(posted.job)).state).toBe('STOPPED');
    const { client: second } = await host();
    const claimed = await second.host.claim(posted.job);
    expect((await poster.jobs.get(posted.job)).state).toBe('RUNNING');
    await second.host.finish({ run: claimed.run, result: posted.definition });
    expect((await poster.jobs.get(posted.job)).state).toBe('COMPLETED');

    const other = await poster.jobs.post({ definition, market: 'gpu', timeout: 20 });
    const { client: third } = await host();
    const { run: taken } = await third.host.work('gpu');
    await third.host.quit(taken!);
    const before = (await poster.balances()).nos;
    await poster.jobs.recover(other.job);
    expect((await poster.balances()).nos).toBe(before + 20n * 300n);
  });

  it('lets exactly one of several racing nodes take a queued job', async () => {
    const { client: poster } = await actor(10n * NOS);
    const posted = await poster.jobs.post({ definition, market: 'cpu', timeout: 30 });
    const racers = await Promise.all([host(), host(), host()]);
    const results = await Promise.all(racers.map(({ client }) => client.host.work('cpu')));
    const winners = results.filter((r) => r.run !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.run!.job.equals(posted.job)).toBe(true);
    const queuedNodes = (await poster.markets.get('cpu')).queue;
    expect(queuedNodes).toHaveLength(2);
    for (const { client } of racers) if (await client.host.isQueued('cpu')) await client.host.leave('cpu');
    expect((await poster.markets.get('cpu')).queueKind).toBe('empty');
  });

  it('filters jobs by market, project and state', async () => {
    const { key, client: poster } = await actor(10n * NOS);
    const a = await poster.jobs.post({ definition, market: 'gpu', timeout: 10 });
    const mine = await poster.jobs.list({ project: key.publicKey });
    expect(mine.map((j) => j.address.toBase58())).toContain(a.job.toBase58());
    expect(
      (await poster.jobs.list({ project: key.publicKey, state: 'QUEUED', market: 'gpu' })).map((j) =>
        j.address.toBase58(),
      ),
    ).toEqual([a.job.toBase58()]);
    expect(await poster.jobs.list({ project: key.publicKey, state: 'COMPLETED' })).toEqual([]);
    await poster.jobs.stop(a.job);
  });

  it("finds a node's running jobs (its Run account) and claimed jobs (state byte Stopped) by node and as RUNNING", async () => {
    const { key: posterKey, client: poster } = await actor(10n * NOS);
    const { key: firstKey, client: first } = await host();
    await first.host.work('cpu');
    const posted = await poster.jobs.post({ definition, market: 'cpu', timeout: 30 });
    const ids = (jobs: Array<{ address: PublicKey }>) => jobs.map((j) => j.address.toBase58());
    // The Job account's node stays empty while it runs: only the Run account names the node.
    expect(ids(await poster.jobs.list({ node: firstKey.publicKey }))).toEqual([posted.job.toBase58()]);
    expect(ids(await poster.jobs.list({ node: firstKey.publicKey, state: 'RUNNING' }))).toEqual([
      posted.job.toBase58(),
    ]);

    const [run] = await first.host.runs();
    await first.host.quit(run!);
    expect(ids(await poster.jobs.list({ project: posterKey.publicKey, state: 'STOPPED' }))).toEqual([
      posted.job.toBase58(),
    ]);
    const { key: secondKey, client: second } = await host();
    const claimed = await second.host.claim(posted.job);
    // A claimed job keeps the Stopped state byte while it runs.
    const running = await poster.jobs.list({ project: posterKey.publicKey, state: 'RUNNING' });
    expect(ids(running)).toEqual([posted.job.toBase58()]);
    expect(running[0]?.node?.equals(secondKey.publicKey)).toBe(true);
    expect(await poster.jobs.list({ project: posterKey.publicKey, state: 'STOPPED' })).toEqual([]);
    expect(ids(await poster.jobs.list({ node: secondKey.publicKey, market: 'cpu' }))).toEqual([
      posted.job.toBase58(),
    ]);
    expect(await poster.jobs.list({ node: secondKey.publicKey, market: 'gpu' })).toEqual([]);
    await second.host.finish({ run: claimed.run, result: posted.definition });
    const done = await poster.jobs.list({ node: secondKey.publicKey });
    expect(done.map((j) => [j.address.toBase58(), j.state])).toEqual([[posted.job.toBase58(), 'COMPLETED']]);
  });

  it('reports a run whose job is gone as CHAIN__JOB_NOT_FOUND, not a TypeError', async () => {
    const { key, client: node } = await host();
    const missing = Keypair.generate().publicKey;
    const run = {
      address: Keypair.generate().publicKey,
      job: missing,
      node: key.publicKey,
      payer: key.publicKey,
      time: 0,
    };
    await expect(
      node.host.finish({ run, result: 'QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr' }),
    ).rejects.toSatisfy(
      (e: unknown) => isNosanaError(e, 'CHAIN__JOB_NOT_FOUND') && e.context.address === missing.toBase58(),
    );
  });

  it('tells the chain time, and notifies job and Jobs program changes', async () => {
    const { client: poster } = await actor(10n * NOS);
    const { client: node } = await host();
    // The time of the current slot (its Clock sysvar, what programs read): at most the wall-clock time.
    const before = localnet.bank.slotTime();
    const time = await poster.chainTime();
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(localnet.bank.unixTime());

    const programChange = new Promise<PublicKey>((resolve) => {
      const unsubscribe = poster.subscribeJobsProgram(({ address }) => {
        unsubscribe();
        resolve(address);
      });
    });
    const posted = await poster.jobs.post({ definition, market: 'gpu', timeout: 30 });
    expect(await programChange).toBeInstanceOf(PublicKey);

    const jobChange = new Promise<number | undefined>((resolve) => {
      const unsubscribe = poster.jobs.subscribe(posted.job, (job) => {
        unsubscribe();
        resolve(job?.timeout);
      });
    });
    await poster.jobs.extend(posted.job, 30);
    expect(await jobChange).toBe(60);
    const { run } = await node.host.work('gpu');
    await node.host.finish({ run: run!, result: posted.definition });
  });

  it('refuses to post without enough NOS, before pinning or sending anything', async () => {
    const { key, client: poster } = await actor(1n);
    const pinsBefore = localnet.ipfs.pins().length;
    await expect(
      poster.jobs.post({
        definition: { ...definition, meta: { unique: key.publicKey.toBase58() } },
        market: 'cpu',
        timeout: 600,
      }),
    ).rejects.toSatisfy(
      (e: unknown) => isNosanaError(e, 'CHAIN__INSUFFICIENT_NOS') && e.context.required === '60000',
    );
    expect(localnet.ipfs.pins().length).toBe(pinsBefore);
    expect(await poster.jobs.list({ project: key.publicKey })).toEqual([]);
  });

  it('maps program errors to coded errors: a node finishing a run that is not its own', async () => {
    const { client: poster } = await actor(10n * NOS);
    const { client: node } = await host();
    const { client: intruder } = await host();
    await node.host.work('cpu');
    await poster.jobs.post({ definition, market: 'cpu', timeout: 30 });
    const [run] = await node.host.runs();
    await expect(
      intruder.host.finish({ run: run!, result: 'QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr' }),
    ).rejects.toSatisfy((e: unknown) => isNosanaError(e, 'CHAIN__PROGRAM_UNAUTHORIZED'));
    await node.host.finish({ run: run!, result: 'QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr' });
  });

  it('waits for a run assigned to this node', async () => {
    const { client: node } = await host();
    const { client: poster } = await actor(10n * NOS);
    await node.host.work('gpu');
    const waiting = node.host.waitForRun({ pollMs: 200 });
    const posted = await poster.jobs.post({ definition, market: 'gpu', timeout: 30 });
    const run = await waiting;
    expect(run.job.equals(posted.job)).toBe(true);
    await node.host.finish({ run, result: posted.definition });
  });

  it('fails with CHAIN__RPC_UNREACHABLE when no network answers', async () => {
    const client = createNosanaClient({
      network: 'localnet',
      rpcUrl: 'http://127.0.0.1:9',
      wallet: Keypair.generate(),
    });
    clients.push(client);
    await expect(client.markets.list()).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__RPC_UNREACHABLE'),
    );
  });
});

describe('market authority operations', () => {
  /** A market view with its keys as strings, for exact comparisons. */
  const plain = (market: MarketView) =>
    Object.fromEntries(
      Object.entries(market).map(([k, v]) => [
        k,
        v instanceof PublicKey ? v.toBase58() : Array.isArray(v) ? v.map(String) : v,
      ]),
    );
  const rentOf = async (client: NosanaClient, space: number) =>
    BigInt(await client.connection.getMinimumBalanceForRentExemption(space));
  const FEE = 5000n;

  it('opens a market, gets it back, a node works a job in it, updates it, refuses outsiders and closes it once empty', async () => {
    const { key: authorityKey, client: authority } = await actor(NOS);
    const start = await authority.balances();
    await expect(authority.markets.open({ price: -1n, timeout: 60 })).rejects.toSatisfy(
      (e: unknown) => isNosanaError(e, 'CHAIN__MARKET_PARAMETER_INVALID') && e.context.field === 'price',
    );
    expect(await authority.balances()).toEqual(start);

    const rent =
      (await rentOf(authority, ACCOUNT_SPACE.MarketAccount)) + (await rentOf(authority, AccountLayout.span));
    const opened = await authority.markets.open({ price: 10n, timeout: 120, jobExpiration: 30 });
    const vault = marketVaultAddress(opened.market, authority.ids);
    expect(opened.vault.equals(vault.address)).toBe(true);
    expect((await authority.balances()).sol).toBe(start.sol - rent - 2n * FEE);
    expect(plain(await authority.markets.get(opened.market))).toEqual({
      address: opened.market.toBase58(),
      authority: authorityKey.publicKey.toBase58(),
      jobExpiration: 30,
      jobPrice: 10n,
      jobTimeout: 120,
      jobType: JobType.Default,
      vault: vault.address.toBase58(),
      vaultBump: vault.bump,
      nodeAccessKey: SystemProgram.programId.toBase58(),
      nodeXnosMinimum: 0n,
      queueType: QueueType.Empty,
      queue: [],
      queueKind: 'empty',
    });
    expect((await authority.markets.list()).map((m) => m.address.toBase58())).toContain(
      opened.market.toBase58(),
    );

    const { key: posterKey, client: poster } = await actor(10n * NOS);
    const first = await poster.jobs.post({ definition, market: opened.market.toBase58(), timeout: 60 });
    expect(first).toMatchObject({ run: null, deposit: 600n });
    expect((await poster.markets.get(opened.market)).queue.map(String)).toEqual([first.job.toBase58()]);
    const { client: node } = await host();
    const { run } = await node.host.work(opened.market);
    expect(run?.job.equals(first.job)).toBe(true);
    await node.host.finish({ run: run!, result: first.definition });
    const done = await poster.jobs.get(first.job);
    expect(done).toMatchObject({ state: 'COMPLETED', price: 10n });
    expect((await node.balances()).nos).toBe(10n * BigInt(done.timeEnd - done.timeStart));

    await authority.markets.update(opened.market, { price: 25n, timeout: 300 });
    expect(await authority.markets.get(opened.market)).toMatchObject({
      jobPrice: 25n,
      jobTimeout: 300,
      jobExpiration: 30,
      jobType: JobType.Default,
    });
    const second = await poster.jobs.post({ definition, market: opened.market, timeout: 60 });
    expect(second.deposit).toBe(60n * 25n);

    const outsider = await poster.balances();
    for (const attempt of [
      () => poster.markets.update(opened.market, { price: 1n }),
      () => poster.markets.close(opened.market),
    ]) {
      await expect(attempt()).rejects.toSatisfy(
        (e: unknown) =>
          isNosanaError(e, 'CHAIN__NOT_MARKET_AUTHORITY') &&
          e.context.authority === authorityKey.publicKey.toBase58() &&
          e.context.wallet === posterKey.publicKey.toBase58(),
      );
    }
    expect(await poster.balances()).toEqual(outsider);
    expect((await poster.markets.get(opened.market)).jobPrice).toBe(25n);

    const beforeClose = await authority.balances();
    await expect(authority.markets.close(opened.market)).rejects.toSatisfy(
      (e: unknown) =>
        isNosanaError(e, 'CHAIN__MARKET_NOT_EMPTY') &&
        e.context.queueKind === 'jobs' &&
        e.context.queued === 1 &&
        e.context.openJobs === 1 &&
        e.context.vault === '1500',
    );
    expect(await authority.balances()).toEqual(beforeClose);

    await poster.jobs.stop(second.job);
    const closed = await authority.markets.close(opened.market);
    expect(closed).toMatchObject({ rent, swept: 0n });
    await expect(authority.markets.get(opened.market)).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'CHAIN__MARKET_NOT_FOUND'),
    );
    expect(await authority.connection.getAccountInfo(opened.vault)).toBeNull();
    expect(await authority.balances()).toEqual({ sol: beforeClose.sol + rent - FEE, nos: NOS });
    expect((await poster.balances()).nos).toBe(10n * NOS - (await node.balances()).nos);
  });

  it('closes a market with NOS in its vault only when forced, sweeping it to the authority', async () => {
    const { client: authority } = await actor(NOS);
    const { market, vault } = await authority.markets.open({ price: 0n, timeout: 60, jobType: JobType.Gpu });
    const { key: donorKey, client: donor } = await actor(7n);
    await sendTransaction({
      connection: donor.connection,
      payer: donorKey,
      instructions: [
        createTransferInstruction(donor.tokens.ata(donorKey.publicKey), vault, donorKey.publicKey, 7n),
      ],
    });
    await expect(authority.markets.close(market)).rejects.toSatisfy(
      (e: unknown) =>
        isNosanaError(e, 'CHAIN__MARKET_NOT_EMPTY') &&
        e.context.queued === 0 &&
        e.context.openJobs === 0 &&
        e.context.vault === '7',
    );
    expect(await authority.markets.close(market, { force: true })).toMatchObject({ swept: 7n });
    expect((await authority.balances()).nos).toBe(NOS + 7n);
    expect(await authority.connection.getAccountInfo(market)).toBeNull();
  });
});

describe('wallets', () => {
  it('creates a keypair file with mode 0600 on first use and loads it again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nosana-wallet-'));
    try {
      const path = join(dir, 'sub', 'key.json');
      const created = loadWallet({ path });
      expect(created.created).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(loadWallet({ path }).keypair.publicKey.equals(created.keypair.publicKey)).toBe(true);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveLength(64);
      expect(
        loadWallet({ env: { SOLANA_WALLET: path } }).keypair.publicKey.equals(created.keypair.publicKey),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains an invalid or missing wallet file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nosana-wallet-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{"not":"a key"}');
      expect(() => loadWallet({ path: join(dir, 'bad.json') })).toThrowError(
        /is not a Solana keypair file — expected a JSON array of 64 numbers/,
      );
      expect(() => loadWallet({ path: join(dir, 'missing.json'), create: false })).toThrowError(
        /it does not exist — pass --wallet <path> or set SOLANA_WALLET/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
