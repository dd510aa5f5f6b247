/**
 * `@nosana/chain/lite` against a real localnet: its markets are the client's (same addresses, fields, names and
 * order), by name and by address, and what is not a market is refused the same way.
 */
import { decodeMarketAccount, encodeMarketAccount, type MarketView, QueueType } from '@nosana/chain';
import { getMarketLite, type LiteMarket, listMarketsLite, liteMarketNames } from '@nosana/chain/lite';
import { isNosanaError } from '@nosana/core';
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
