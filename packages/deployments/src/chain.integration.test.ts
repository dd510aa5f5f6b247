/**
 * The chain adapter on the embedded localnet (litesvm running the emulated Jobs program): every write is
 * idempotent on the real program — a LIST of a recorded keypair lands once, an EXTEND to an absolute timeout
 * applies once, a STOP of a settled job is a no-op.
 */
import { createKuboStore, createNosanaClient, type NosanaClient } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { createLocalnetActors } from '@nosana/localnet/testing';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChainAdapter, type DeploymentChain } from './chain.js';

const NOS = 1_000_000n;
let localnet: Localnet;
let client: NosanaClient;
let chain: DeploymentChain;

beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  const wallet = Keypair.generate();
  localnet.bank.airdrop(wallet.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
  localnet.airdropNos(wallet.publicKey.toBase58(), 100n * NOS);
  const ipfs = createKuboStore({ url: localnet.ipfsApiUrl });
  client = createNosanaClient({ network: 'localnet', rpcUrl: localnet.rpcUrl, wallet, ipfs });
  chain = createChainAdapter({
    client,
    connection: client.connection,
    wallet,
    ipfs,
    programs: client.network.programs,
  });
}, 60_000);
afterAll(async () => {
  client?.close();
  await localnet?.close();
});

describe('chain adapter (localnet)', () => {
  it('lists once per recorded keypair, extends to an absolute timeout once, stops once', async () => {
    const market = await chain.market('cpu');
    const cid = await chain.pin({
      version: '0.1',
      type: 'container',
      ops: [{ type: 'container/run', id: 'web', args: { image: 'busybox:1.35', cmd: ['true'] } }],
    });
    const job = Keypair.generate();
    const run = Keypair.generate();
    const before = await chain.balance();
    const list = () =>
      chain.list({
        jobSecret: job.secretKey,
        runSecret: run.secretKey,
        market: market.address,
        cid,
        timeout: 600,
      });
    await list();
    await list();
    const address = job.publicKey.toBase58();
    const listed = await chain.job(address);
    expect(listed).toMatchObject({
      state: 'QUEUED',
      timeout: 600,
      project: chain.owner,
      market: market.address,
    });
    expect(before - (await chain.balance())).toBe(market.price * 600n);
    expect(await client.jobs.list({ project: chain.owner })).toHaveLength(1);

    await chain.extend({ job: address, timeout: 1200 });
    await chain.extend({ job: address, timeout: 1200 });
    expect((await chain.job(address))?.timeout).toBe(1200);
    expect(before - (await chain.balance())).toBe(market.price * 1200n);

    await chain.stop(address);
    await chain.stop(address);
    expect(await chain.job(address)).toBeNull();
    expect(await chain.balance()).toBe(before);
  });

  it('reads many jobs in one batch, as the client reads each (queued, running, gone, missing)', async () => {
    const actors = createLocalnetActors(localnet);
    try {
      const host = actors.actor(0n);
      await host.host.prepare();
      await host.host.work('cpu');
      const market = await chain.market('cpu');
      const cid = await chain.pin({
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'web', args: { image: 'busybox:1.35', cmd: ['true'] } }],
      });
      const listed: string[] = [];
      for (let i = 0; i < 7; i++) {
        const job = Keypair.generate();
        await chain.list({
          jobSecret: job.secretKey,
          runSecret: Keypair.generate().secretKey,
          market: market.address,
          cid,
          timeout: 600,
        });
        listed.push(job.publicKey.toBase58());
      }
      // The host waited in the queue: the first job runs; the others wait. One is delisted: no account.
      await chain.stop(listed[6]!);
      const missing = Keypair.generate().publicKey.toBase58();
      const expected = async (address: string) => {
        const view = await client.jobs.get(address).catch(() => null);
        return view && { state: view.state, timeStart: view.timeStart, timeout: view.timeout };
      };
      // More open jobs than the filtered-query threshold (one scan of the Run accounts), then fewer.
      for (const batch of [
        [...listed, missing],
        [listed[0]!, listed[1]!, missing],
      ]) {
        const found = await chain.jobs(batch);
        expect([...found.keys()]).toEqual(batch);
        for (const address of batch) {
          const job = found.get(address);
          expect(job && { state: job.state, timeStart: job.timeStart, timeout: job.timeout }).toEqual(
            await expected(address),
          );
        }
      }
      const all = await chain.jobs(listed);
      expect([...all.values()].map((j) => j?.state ?? null)).toEqual([
        'RUNNING',
        'QUEUED',
        'QUEUED',
        'QUEUED',
        'QUEUED',
        'QUEUED',
        null,
      ]);
      for (const address of listed.slice(0, 6)) await chain.stop(address);
    } finally {
      actors.close();
    }
  });

  it('reports a missing job as null and an unknown market with a coded error', async () => {
    expect(await chain.job(Keypair.generate().publicKey.toBase58())).toBeNull();
    await expect(chain.market('tpu')).rejects.toMatchObject({ code: 'CHAIN__MARKET_NOT_FOUND' });
  });
});
