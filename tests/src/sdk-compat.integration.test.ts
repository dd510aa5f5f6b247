// The published @nosana/sdk 0.4.x (Anchor 0.28) against the localnet, on the wire: it fetches the IDLs from the
// chain, reads markets, pins through the Pinata API, posts, extends and delists a job; stakes, earns from the
// localnet's rewards pool and claims.

import { createNosanaClient } from '@nosana/chain';
import type { Localnet } from '@nosana/localnet';
import { Client } from '@nosana/sdk';
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Network, startNetwork } from './helpers/network.js';

let network: Network;
let localnet: Localnet;
let client: Client;
const wallet = Keypair.generate();

beforeAll(async () => {
  network = await startNetwork();
  localnet = network.localnet;
  const connection = new Connection(localnet.rpcUrl, 'confirmed');
  const signature = await connection.requestAirdrop(wallet.publicKey, 10 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
  localnet.airdropNos(wallet.publicKey.toBase58(), 1_000n * 10n ** 6n);
  client = new Client('mainnet', wallet, {
    solana: { network: localnet.rpcUrl, dynamicPriorityFee: false, priority_fee: 0 },
    ipfs: { api: localnet.ipfsApiUrl, gateway: `${localnet.ipfsGatewayUrl}/ipfs/`, jwt: 'offline' },
  });
}, 120_000);
afterAll(async () => {
  await network?.stopNodes();
  await network?.close();
});

describe('@nosana/sdk 0.4.x against the localnet', () => {
  const cpu = () => localnet.markets.find((market) => market.name === 'cpu')!;

  it('reads the genesis markets', async () => {
    const markets = await client.jobs.allMarkets();
    expect(
      markets.map((market: { address: { toString(): string } }) => market.address.toString()).sort(),
    ).toEqual(localnet.markets.map((market) => market.address).sort());
    const market = await client.jobs.getMarket(cpu().address);
    expect(market.jobPrice.toString()).toBe(cpu().jobPrice);
  });

  it('pins through the Pinata API, posts, reads, extends and delists a job', async () => {
    const definition = { version: '0.1', type: 'container', ops: [] };
    const cid = await client.ipfs.pin(definition);
    expect(await client.ipfs.retrieve(cid)).toEqual(definition);
    const posted = (await client.jobs.list(cid, 600, cpu().address)) as { tx: string; job: string };
    const job = await client.jobs.get(posted.job);
    expect(job.ipfsJob).toBe(cid);
    expect(job.state).toBe('QUEUED');
    await client.jobs.extend(posted.job, 1200);
    expect(String((await client.jobs.get(posted.job)).timeout)).toBe('1800');
    await client.jobs.delist(posted.job);
    await expect(client.jobs.get(posted.job)).rejects.toThrow();
  });

  it('posts a job that a node runs, and reads its result from IPFS', async () => {
    await network.node();
    const definition = {
      version: '0.1',
      type: 'container',
      ops: [
        {
          type: 'container/run',
          id: 'main',
          args: { image: 'busybox:1.35', cmd: ['echo', 'hello from the sdk'] },
        },
      ],
    };
    const posted = (await client.jobs.list(definition as never, 600, cpu().address)) as { job: string };
    await expect
      .poll(async () => (await client.jobs.get(posted.job)).state, { timeout: 90_000, interval: 500 })
      .toBe('COMPLETED');
    const job = await client.jobs.get(posted.job);
    const result = (await client.ipfs.retrieve(job.ipfsResult)) as {
      opStates: Array<{ logs: Array<{ log: string }> }>;
    };
    expect(result.opStates[0]?.logs.map((line) => line.log).join('\n')).toContain('hello from the sdk');
  }, 120_000);

  it('stakes (entering the rewards), earns from the rewards pool and claims, through the Rewards and Pools IDLs', async () => {
    const staker = Keypair.generate();
    const connection = new Connection(localnet.rpcUrl, 'confirmed');
    const signature = await connection.requestAirdrop(staker.publicKey, 10 * LAMPORTS_PER_SOL);
    await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
    localnet.airdropNos(staker.publicKey.toBase58(), 2_000n * 10n ** 6n);
    // The vendor's client releases one pool's emission on every claim: point it at the localnet's genesis pool.
    const sdk = new Client('mainnet', staker, {
      solana: {
        network: localnet.rpcUrl,
        dynamicPriorityFee: false,
        priority_fee: 0,
        pool_address: localnet.rewardsPool,
      } as never,
    });
    await sdk.stake.create(staker.publicKey, 1_000 * 10 ** 6, 30);
    const entered = (await sdk.stake.getRewardsInfo()) as { account: { xnos: { toString(): string } } };
    const ours = createNosanaClient({ network: 'localnet', rpcUrl: localnet.rpcUrl, wallet: staker });
    const stake = (await ours.staking.get())!;
    expect(entered.account.xnos.toString()).toBe(stake.xnos.toString());

    localnet.bank.advanceClock(1_000);
    const pending = (await ours.rewards.get())!.pending;
    expect(pending).toBeGreaterThan(0n);
    const before = BigInt((await sdk.solana.getNosBalance(staker.publicKey))!.amount);
    await sdk.stake.claimRewards();
    const after = BigInt((await sdk.solana.getNosBalance(staker.publicKey))!.amount);
    // At least what our client computed a moment before (the clock only moves on).
    expect(after - before).toBeGreaterThanOrEqual(pending);
    expect((await ours.rewards.get())!.pending).toBeLessThan(pending / 100n);
  }, 120_000);
});
