// The published @nosana/kit 2.x (on @solana/kit) against the localnet, on the wire: it reads markets and jobs,
// pins through the Pinata API, posts, extends and delists a job; as a host it stakes, enters a market's queue, is
// assigned a job and finishes it; and it posts a job that a node runs in Docker, then reads its result from IPFS.
// The kit parses gateway answers by content type, so it reads through the localnet's Pinata-flavoured gateway.
import {
  address,
  createNosanaClient,
  JobState,
  type NosanaClient,
  NosanaNetwork,
  StakingClient,
} from '@nosana/kit';
import type { Localnet } from '@nosana/localnet';
import { createKeyPairSignerFromBytes } from '@solana/kit';
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Network, startNetwork } from './helpers/network.js';

let network: Network;
let localnet: Localnet;
let client: NosanaClient;
const wallet = Keypair.generate();

/** A kit client for the localnet, with `key` as its wallet (funded with SOL and NOS). */
async function kitClient(key: Keypair): Promise<NosanaClient> {
  const connection = new Connection(localnet.rpcUrl, 'confirmed');
  const signature = await connection.requestAirdrop(key.publicKey, 10 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
  localnet.airdropNos(key.publicKey.toBase58(), 1_000n * 10n ** 6n);
  // The localnet emulates the programs at their mainnet addresses: the kit's mainnet configuration, pointed at it.
  const kit = createNosanaClient(NosanaNetwork.MAINNET, {
    solana: {
      rpcEndpoint: localnet.rpcUrl,
      wsEndpoint: localnet.wsUrl,
      commitment: 'confirmed',
      priorityFees: { type: 'fixed', microLamports: 0 },
    },
    ipfs: { api: localnet.ipfsApiUrl, gateway: `${localnet.ipfsGatewayUrl}/pinata/ipfs/`, jwt: 'offline' },
  });
  kit.wallet = await createKeyPairSignerFromBytes(key.secretKey);
  return kit;
}

beforeAll(async () => {
  network = await startNetwork();
  localnet = network.localnet;
  client = await kitClient(wallet);
}, 120_000);
afterAll(async () => {
  await network?.stopNodes();
  await network?.close();
});

describe('@nosana/kit 2.x against the localnet', () => {
  const cpu = () => localnet.markets.find((market) => market.name === 'cpu')!;

  /** Posts `ipfsHash` to the cpu market; resolves with the job's address. */
  const post = async (ipfsHash: string, timeout: number) => {
    const instruction = await client.jobs.post({ market: address(cpu().address), timeout, ipfsHash });
    await client.solana.buildSignAndSend(instruction);
    const job = instruction.accounts[0].address;
    return job;
  };

  it('reads the genesis markets', async () => {
    const markets = await client.jobs.markets();
    expect(markets.map((market) => String(market.address)).sort()).toEqual(
      localnet.markets.map((market) => market.address).sort(),
    );
    const market = await client.jobs.market(address(cpu().address));
    expect(String(market.jobPrice)).toBe(cpu().jobPrice);
  });

  it('pins through the Pinata API, posts, reads, extends and delists a job', async () => {
    const definition = { version: '0.1', type: 'container', ops: [] };
    const cid = await client.ipfs.pin(definition);
    expect(await client.ipfs.retrieve(cid)).toEqual(definition);
    const job = await post(cid, 600);
    const read = await client.jobs.get(job);
    expect(read).toMatchObject({ ipfsJob: cid, state: JobState.QUEUED, timeout: 600 });
    const mine = await client.jobs.all({ project: client.wallet!.address });
    expect(mine.map((j) => String(j.address))).toContain(String(job));
    await client.solana.buildSignAndSend(await client.jobs.extend({ job, timeout: 1200 }));
    expect((await client.jobs.get(job)).timeout).toBe(1800);
    await client.solana.buildSignAndSend(await client.jobs.delist({ job }));
    await expect(client.jobs.get(job)).rejects.toThrow();
  });

  it('as a host: stakes, enters the queue, is assigned a job and finishes it; the poster reads the result', async () => {
    const host = await kitClient(Keypair.generate());
    const me = host.wallet!;
    // The kit reads stakes only; a host stakes with the Staking program's instruction builder it re-exports.
    const { nosTokenAddress: mint, stakeAddress: staking } = host.config.programs;
    const [stake, vault, user] = await Promise.all([
      host.solana.pda(['stake', mint, me.address], staking),
      host.solana.pda(['vault', mint, me.address], staking),
      host.nos.getATA(me.address),
    ]);
    await host.solana.buildSignAndSend(
      StakingClient.getStakeInstruction(
        { mint, user, vault, stake, authority: me, amount: 10n ** 6n, duration: 14 * 86_400 },
        { programAddress: staking },
      ),
    );
    expect(Number((await host.stake.get(stake)).amount)).toBe(10 ** 6);

    await host.solana.buildSignAndSend(await host.jobs.work({ market: address(cpu().address) }));
    const queued = await host.jobs.market(address(cpu().address));
    expect(queued.queue.map(String)).toEqual([String(me.address)]);

    // A job posted now goes straight to the queued host: a run names it.
    const definition = { version: '0.1', type: 'container', ops: [] };
    const job = await post(await client.ipfs.pin(definition), 600);
    const [run] = await host.jobs.runs({ node: me.address });
    expect(String(run?.job)).toBe(String(job));
    expect((await client.jobs.get(job)).state).toBe(JobState.RUNNING);

    const result = { status: 'success', opStates: [] };
    const resultCid = await host.ipfs.pin(result);
    await host.solana.buildSignAndSend(await host.jobs.finish({ job, ipfsResultsHash: resultCid }));
    const done = await client.jobs.get(job);
    expect(done).toMatchObject({ state: JobState.COMPLETED, ipfsResult: resultCid });
    expect(await client.ipfs.retrieve(done.ipfsResult as string)).toEqual(result);
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
          args: { image: 'busybox:1.35', cmd: ['echo', 'hello from the kit'] },
        },
      ],
    };
    const job = await post(await client.ipfs.pin(definition), 600);
    await expect
      .poll(async () => (await client.jobs.get(job)).state, { timeout: 90_000, interval: 500 })
      .toBe(JobState.COMPLETED);
    const done = await client.jobs.get(job);
    expect(done.ipfsResult).toBeTruthy();
    const result = await client.ipfs.retrieve<{ opStates: Array<{ logs: Array<{ log: string }> }> }>(
      done.ipfsResult as string,
    );
    expect(result.opStates[0]?.logs.map((line) => line.log).join('\n')).toContain('hello from the kit');
  }, 120_000);
});
