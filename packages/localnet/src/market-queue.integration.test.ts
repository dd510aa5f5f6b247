/**
 * A market whose queue is full (314 entries, as many as the Market account holds): the client refuses to post a
 * job or join as a node before sending or pinning anything, and a post that loses the race to the last free place
 * gets the same clear error from the program's refusal.
 */
import {
  computeCid,
  decodeMarketAccount,
  encodeMarketAccount,
  MARKET_QUEUE_CAPACITY,
  type NosanaClient,
  QueueType,
} from '@nosana/chain';
import { canonicalJson, isNosanaError, type JobDefinition } from '@nosana/core';
import { Keypair, type PublicKey } from '@solana/web3.js';
import { CID } from 'multiformats/cid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localnet, startLocalnet } from './localnet.js';
import { createLocalnetActors, type LocalnetActors } from './testing.js';

const NOS = 1_000_000n;
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'hello', args: { image: 'busybox:1.35', cmd: ['echo', 'queue full'] } }],
};

let localnet: Localnet;
let actors: LocalnetActors;
let fillBeforeSend = false;
let market: PublicKey;
beforeAll(async () => {
  localnet = await startLocalnet({
    dataDir: 'temporary',
    rpcPort: 0,
    ipfsPort: 0,
    // A post that races another poster to the last place: the queue fills between the client's check and its send.
    onRpcCall: (method) => {
      if (fillBeforeSend && method === 'sendTransaction') {
        fillBeforeSend = false;
        fillQueue(QueueType.Job, MARKET_QUEUE_CAPACITY);
      }
    },
  });
  actors = createLocalnetActors(localnet);
  market = (await actors.actor().markets.get('cpu')).address;
});
afterAll(async () => {
  actors?.close();
  await localnet?.close();
});

/** Puts `size` made-up entries of `kind` in the market's queue, in the localnet's bank. */
function fillQueue(kind: QueueType, size: number) {
  const account = localnet.bank.getAccount(market)!;
  const queue = Array.from({ length: size }, () => Keypair.generate().publicKey);
  const data = encodeMarketAccount(
    { ...decodeMarketAccount(account.data), queueType: kind, queue },
    account.data.length,
  );
  localnet.bank.setAccount(market, { ...account, data });
}

const balances = (client: NosanaClient) => client.balances();
const pinned = async () =>
  localnet.ipfs.has(CID.parse(await computeCid(new TextEncoder().encode(canonicalJson(definition)))));

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(
    isNosanaError(error, 'CHAIN__MARKET_QUEUE_FULL'),
    `expected CHAIN__MARKET_QUEUE_FULL, got ${String(error)}`,
  ).toBe(true);
  return error as Error & { context: Record<string, unknown> };
}

describe('a market whose queue is full', () => {
  it('refuses a post before pinning or sending anything, with what to do instead', async () => {
    const poster = actors.actor(100n * NOS);
    fillQueue(QueueType.Job, MARKET_QUEUE_CAPACITY);
    const before = await balances(poster);
    const error = await refusal(poster.jobs.post({ definition, market, timeout: 60 }));
    expect(error.message).toContain(`market ${market.toBase58()}'s queue is full: 314 jobs are waiting`);
    expect(error.message).toContain('(nothing was sent)');
    expect(error.context).toEqual({ market: market.toBase58(), queueKind: 'jobs', capacity: 314 });
    expect(await balances(poster)).toEqual(before);
    expect(await pinned()).toBe(false);

    // With one place free the same post is listed.
    fillQueue(QueueType.Job, MARKET_QUEUE_CAPACITY - 1);
    const { job } = await poster.jobs.post({ definition, market, timeout: 60 });
    expect((await poster.jobs.get(job)).state).toBe('QUEUED');
    expect((await poster.markets.get(market)).queue).toHaveLength(MARKET_QUEUE_CAPACITY);
  });

  it('turns the program refusal of a post that lost the race for the last place into the same error', async () => {
    const poster = actors.actor(100n * NOS);
    fillQueue(QueueType.Job, MARKET_QUEUE_CAPACITY - 1);
    const before = await balances(poster);
    fillBeforeSend = true;
    const error = await refusal(poster.jobs.post({ definition, market, timeout: 60 }));
    expect(fillBeforeSend).toBe(false);
    expect(error.message).toContain('queue is full');
    expect(error.message).not.toContain('nothing was sent');
    expect(isNosanaError(error.cause, 'CHAIN__PROGRAM_ACCOUNT_DID_NOT_SERIALIZE')).toBe(true);
    // Refused at preflight: no fee, no deposit.
    expect(await balances(poster)).toEqual(before);
  });

  it('refuses a node joining a full queue of nodes before sending anything', async () => {
    const host = actors.actor(100n * NOS);
    await host.host.prepare();
    fillQueue(QueueType.Node, MARKET_QUEUE_CAPACITY);
    const before = await balances(host);
    const error = await refusal(host.host.work(market));
    expect(error.message).toContain('314 nodes are waiting');
    expect(error.context).toMatchObject({ queueKind: 'nodes' });
    expect(await balances(host)).toEqual(before);
    expect(await host.host.isQueued(market)).toBe(false);
  });
});
