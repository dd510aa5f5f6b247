/**
 * `@nosana/chain/lite` against a real localnet: its markets and jobs are the client's (same addresses, fields, names,
 * states and order), its IPFS reads the content store's, and what is not a market or a job is refused the same way.
 */

import type { JobView } from '@nosana/chain';
import { decodeMarketAccount, encodeMarketAccount, type MarketView, QueueType } from '@nosana/chain';
import {
  getJobLite,
  getMarketLite,
  type LiteJob,
  type LiteMarket,
  listMarketsLite,
  liteMarketNames,
  localnetInfoLite,
  readJsonLite,
} from '@nosana/chain/lite';
import { isNosanaError, type JobDefinition } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localnet, startLocalnet } from './localnet.js';
import { createLocalnetActors, type LocalnetActors } from './testing.js';

let localnet: Localnet;
let actors: LocalnetActors;
beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  actors = createLocalnetActors(localnet);
  // A queue with entries, so that the queue's addresses are compared too.
  const cpu = (await actors.actor().markets.get('cpu')).address;
  const account = localnet.bank.getAccount(cpu)!;
  const queue = Array.from({ length: 3 }, () => Keypair.generate().publicKey);
  const data = encodeMarketAccount(
    { ...decodeMarketAccount(account.data), queueType: QueueType.Node, queue },
    account.data.length,
  );
  localnet.bank.setAccount(cpu, { ...account, data });
});
afterAll(async () => {
  actors?.close();
  await localnet?.close();
});

/** The client's view with its keys as text: what a lite market must equal. */
const asText = (m: MarketView): LiteMarket => ({
  address: m.address.toBase58(),
  ...(m.name ? { name: m.name } : {}),
  authority: m.authority.toBase58(),
  jobExpiration: m.jobExpiration,
  jobPrice: m.jobPrice,
  jobTimeout: m.jobTimeout,
  jobType: m.jobType,
  vault: m.vault.toBase58(),
  vaultBump: m.vaultBump,
  nodeAccessKey: m.nodeAccessKey.toBase58(),
  nodeXnosMinimum: m.nodeXnosMinimum,
  queueType: m.queueType,
  queue: m.queue.map((k) => k.toBase58()),
  queueKind: m.queueKind,
});

const reachedCode = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isNosanaError(error) ? error.code : String(error)),
  );

describe('@nosana/chain/lite on a localnet', () => {
  it('lists the same markets as the client, names included, in the same order', async () => {
    const rpc = { rpcUrl: localnet.rpcUrl };
    const names = await liteMarketNames({ ...rpc, network: 'localnet' });
    expect([...names.keys()].sort()).toEqual(['cpu', 'gpu']);
    const lite = await listMarketsLite({ ...rpc, programs: 'mainnet', names });
    const client = await actors.actor().markets.list();
    expect(lite).toEqual(client.map(asText));
    expect(lite.find((m) => m.name === 'cpu')?.queue).toHaveLength(3);
  });

  it('reads one market by name and by address as the client does', async () => {
    const rpc = { rpcUrl: localnet.rpcUrl, programs: 'mainnet' as const, network: 'localnet' };
    const names = await liteMarketNames({ rpcUrl: localnet.rpcUrl, network: 'localnet' });
    const expected = asText(await actors.actor().markets.get('gpu'));
    expect(await getMarketLite({ ...rpc, names, market: 'gpu' })).toEqual(expected);
    expect(await getMarketLite({ ...rpc, names, market: expected.address })).toEqual(expected);
  });

  it('refuses an unknown name, a malformed address and an account that is not a market', async () => {
    const rpc = { rpcUrl: localnet.rpcUrl, programs: 'mainnet' as const, network: 'localnet' };
    const names = await liteMarketNames({ rpcUrl: localnet.rpcUrl, network: 'localnet' });
    const wallet = Keypair.generate().publicKey.toBase58();
    localnet.bank.airdrop(wallet, 1_000_000n);
    for (const market of ['tpu', 'not-an-address', wallet, Keypair.generate().publicKey.toBase58()])
      expect(await reachedCode(getMarketLite({ ...rpc, names, market }))).toBe('CHAIN__MARKET_NOT_FOUND');
  });

  it('asks only a localnet for names, and keeps the names it was given', async () => {
    const given: Array<[string, string]> = [['mine', Keypair.generate().publicKey.toBase58()]];
    const names = await liteMarketNames({ rpcUrl: localnet.rpcUrl, network: 'devnet', given });
    expect([...names]).toEqual(given);
    const merged = await liteMarketNames({ rpcUrl: localnet.rpcUrl, network: 'localnet', given });
    expect([...merged.keys()].sort()).toEqual(['cpu', 'gpu', 'mine']);
  });
});

/** The client's job view with its keys as text: what a lite job must equal. */
const jobAsText = (j: JobView): LiteJob => ({
  address: j.address.toBase58(),
  state: j.state,
  definition: j.definition,
  result: j.result,
  market: j.market.toBase58(),
  node: j.node?.toBase58() ?? null,
  payer: j.payer.toBase58(),
  project: j.project.toBase58(),
  price: j.price,
  timeout: j.timeout,
  timeStart: j.timeStart,
  timeEnd: j.timeEnd,
  run: j.run && {
    address: j.run.address.toBase58(),
    job: j.run.job.toBase58(),
    node: j.run.node.toBase58(),
    payer: j.run.payer.toBase58(),
    time: j.run.time,
    // The Run account's state byte, which the client's view carries along.
    ...('state' in j.run ? { state: (j.run as { state: number }).state } : {}),
  },
});

describe('jobs and their documents with @nosana/chain/lite', () => {
  const definition: JobDefinition = {
    version: '0.1',
    type: 'container',
    ops: [{ type: 'container/run', id: 'hello', args: { image: 'busybox:1.35', cmd: 'echo lite' } }],
  };

  it('reads queued, running and completed jobs as the client does, and their documents', async () => {
    const poster = actors.actor(100n * 1_000_000n);
    const host = actors.actor();
    await host.host.prepare();
    const rpc = { rpcUrl: localnet.rpcUrl, programs: 'mainnet' as const, network: 'localnet' };
    // The gpu market: the cpu market's queue holds made-up nodes (above).
    const { job } = await poster.jobs.post({ definition, market: 'gpu', timeout: 600 });
    const address = job.toBase58();
    const same = async () =>
      expect(await getJobLite({ ...rpc, job: address })).toEqual(jobAsText(await poster.jobs.get(address)));
    await same();
    const { run } = await host.host.work('gpu');
    await same();
    expect((await getJobLite({ ...rpc, job: address })).state).toBe('RUNNING');
    const result = await host.ipfs.putBytes(new TextEncoder().encode('{"status":"success","opStates":[]}'));
    await host.host.finish({ run: run!, result });
    await same();
    const done = await getJobLite({ ...rpc, job: address });
    expect(done.state).toBe('COMPLETED');
    const source = { kuboApi: localnet.ipfsApiUrl };
    expect(await readJsonLite({ source, cid: done.definition })).toEqual(
      await poster.jobs.definition(address),
    );
    expect(await readJsonLite({ source, cid: done.result! })).toEqual(await poster.jobs.result(address));
  });

  it('refuses what is not a job as the client does, and says what services a localnet announces', async () => {
    const rpc = { rpcUrl: localnet.rpcUrl, programs: 'mainnet' as const, network: 'localnet' };
    const client = actors.actor();
    const market = (await client.markets.get('cpu')).address.toBase58();
    for (const [job, expected] of [
      [Keypair.generate().publicKey.toBase58(), 'CHAIN__JOB_NOT_FOUND'],
      [market, 'CHAIN__ACCOUNT_INVALID'],
    ] as const) {
      expect(await reachedCode(client.jobs.get(job))).toBe(expected);
      expect(await reachedCode(getJobLite({ ...rpc, job }))).toBe(expected);
    }
    expect(await reachedCode(getJobLite({ ...rpc, job: 'not-an-address' }))).toBe('CHAIN__JOB_NOT_FOUND');
    localnet.announce({ gateway: 'http://127.0.0.1:18080' });
    expect((await localnetInfoLite({ rpcUrl: localnet.rpcUrl }))?.services?.gateway).toBe(
      'http://127.0.0.1:18080',
    );
  });
});
