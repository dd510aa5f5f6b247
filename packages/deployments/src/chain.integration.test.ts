/**
 * The chain adapter on the embedded localnet (litesvm running the emulated Jobs program): every write is
 * idempotent on the real program — a LIST of a recorded keypair lands once, an EXTEND to an absolute timeout
 * applies once, a STOP of a settled job is a no-op.
 */
import { createKuboStore, createNosanaClient, type NosanaClient } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
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

  it('reports a missing job as null and an unknown market with a coded error', async () => {
    expect(await chain.job(Keypair.generate().publicKey.toBase58())).toBeNull();
    await expect(chain.market('tpu')).rejects.toMatchObject({ code: 'CHAIN__MARKET_NOT_FOUND' });
  });
});
