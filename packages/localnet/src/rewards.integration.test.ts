import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  callLocalnetRpc,
  claimPoolFeeInstruction,
  claimRewardsInstruction,
  closeConnection,
  decodePoolAccount,
  decodeReflectionAccount,
  encodeReflectionAccount,
  enterRewardsInstruction,
  getProgramIds,
  INITIAL_REFLECTION_RATE,
  listJobInstruction,
  nosTokenAddress,
  poolVaultAddress,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  stakeInstruction,
} from '@nosana/chain';
import { AccountLayout } from '@solana/spl-token';
import { Connection, Keypair, PublicKey, sendAndConfirmTransaction, Transaction } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewardsPoolKeypair } from './genesis-rewards.js';
import { type Localnet, startLocalnet } from './localnet.js';
import { Bank } from './solana/bank.js';
import { createLocalnetActors, type LocalnetActors } from './testing.js';

const NOS = 1_000_000n;
const ids = getProgramIds('mainnet');
const SYSTEM = '11111111111111111111111111111111';

let localnet: Localnet;
let actors: LocalnetActors;
let connection: Connection;
const dirs: string[] = [];
beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  actors = createLocalnetActors(localnet);
  connection = new Connection(localnet.rpcUrl, { wsEndpoint: localnet.wsUrl, commitment: 'confirmed' });
});
afterAll(async () => {
  closeConnection(connection);
  actors?.close();
  await localnet?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const tokens = (bank: Bank, address: PublicKey) => {
  const account = bank.getAccount(address);
  return account ? AccountLayout.decode(Buffer.from(account.data)).amount : 0n;
};

describe('the rewards pool of a localnet', () => {
  it('is announced by localnet_info and emits into the Rewards; a staker enters, releases and claims over RPC', async () => {
    const info = await callLocalnetRpc(localnet.rpcUrl, 'localnet_info', []);
    expect(info).toMatchObject({ rewardsPool: rewardsPoolKeypair().publicKey.toBase58(), jobFeeFraction: 0 });
    const pool = decodePoolAccount(localnet.bank.getAccount(localnet.rewardsPool)!.data);
    expect(pool).toMatchObject({ claimType: 1, emission: NOS, closeable: false });
    expect(pool.beneficiary.equals(rewardsVaultAddress(ids).address)).toBe(true);

    // Plain instructions over RPC (not the client, whose own flow may release and enter for us).
    const key = Keypair.generate();
    actors.actor(1000n * NOS, key);
    const send = (...instructions: Transaction['instructions']) =>
      sendAndConfirmTransaction(connection, new Transaction().add(...instructions), [key]);
    await send(
      stakeInstruction({ authority: key.publicKey, amount: 1000n * NOS, durationSeconds: 30 * 86_400, ids }),
      enterRewardsInstruction({ authority: key.publicKey, ids }),
    );
    await actors.advanceClock(60);
    const signature = await send(
      claimPoolFeeInstruction({ pool: new PublicKey(localnet.rewardsPool), authority: key.publicKey, ids }),
    );
    const logs = (await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 }))?.meta
      ?.logMessages;
    expect(logs).toContain(`Program ${ids.rewards.toBase58()} invoke [2]`);
    const released = tokens(localnet.bank, rewardsVaultAddress(ids).address);
    expect(released).toBeGreaterThanOrEqual(60n * NOS);
    await send(claimRewardsInstruction({ authority: key.publicKey, ids }));
    const paid = (await connection.getTokenAccountBalance(nosTokenAddress(key.publicKey, ids))).value.amount;
    // Nearly all of it: the reflection's genesis entry of 1 xNOS shares it with the staker's 1000+ xNOS.
    expect(BigInt(paid)).toBeGreaterThan((released * 99n) / 100n);
    expect(BigInt(paid)).toBeLessThanOrEqual(released);
  });
});

describe('genesis settings and older ledgers', () => {
  it('keeps the job fee fraction a localnet was created with, and charges it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nosana-rewards-'));
    dirs.push(dataDir);
    const first = await startLocalnet({
      dataDir,
      rpcPort: 0,
      ipfsPort: 0,
      jobFeeFraction: 7,
      rewardsEmission: 3n,
    });
    expect(first.jobFeeFraction).toBe(7);
    await first.close();
    await using again = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 });
    expect(again.jobFeeFraction).toBe(7);
    expect(decodePoolAccount(again.bank.getAccount(again.rewardsPool)!.data).emission).toBe(3n);
    const poster = createLocalnetActors(again);
    const key = Keypair.generate();
    poster.actor(1000n * NOS, key);
    const job = Keypair.generate();
    const run = Keypair.generate();
    const market = new PublicKey(again.markets[0]!.address);
    const list = listJobInstruction({
      market,
      poster: key.publicKey,
      job: job.publicKey,
      run: run.publicKey,
      ipfsJob: new Uint8Array(32).fill(1),
      timeout: 700,
      ids,
    });
    const tx = new Transaction().add(list);
    tx.recentBlockhash = again.bank.latestBlockhash().blockhash;
    tx.feePayer = key.publicKey;
    tx.sign(key, job, run);
    expect(again.bank.process(tx.serialize()).err).toBeNull();
    // cpu market: 100 × 700 deposited, 70,000 / 7 in fees.
    expect(tokens(again.bank, rewardsVaultAddress(ids).address)).toBe(10_000n);
    poster.close();
  });

  it('gives a ledger saved before the rewards pool existed its pool and seeds its untouched reflection', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nosana-rewards-'));
    dirs.push(dataDir);
    const first = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 });
    const pool = new PublicKey(first.rewardsPool);
    await first.close();
    // Make the saved localnet an older one: no pool, the reflection as `init` left it, no new info fields.
    const ledger = join(dataDir, 'ledger');
    const old = Bank.load(ledger)!;
    const empty = { lamports: 0n, owner: SYSTEM, data: new Uint8Array(0), executable: false };
    old.setAccount(pool, empty);
    old.setAccount(poolVaultAddress(pool, ids).address, empty);
    const reflection = rewardsReflectionAddress(ids).address;
    const saved = decodeReflectionAccount(old.getAccount(reflection)!.data);
    old.setAccount(reflection, {
      ...old.getAccount(reflection)!,
      data: encodeReflectionAccount({
        ...saved,
        rate: INITIAL_REFLECTION_RATE,
        totalReflection: 0n,
        totalXnos: 0n,
      }),
    });
    old.save(ledger);
    const infoPath = join(dataDir, 'localnet.json');
    const {
      rewardsPool: _pool,
      jobFeeFraction: _fraction,
      ...olderInfo
    } = JSON.parse(readFileSync(infoPath, 'utf8'));
    writeFileSync(infoPath, JSON.stringify(olderInfo));

    await using upgraded = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 });
    expect(upgraded.rewardsPool).toBe(pool.toBase58());
    expect(upgraded.jobFeeFraction).toBe(0);
    const reopened = decodePoolAccount(upgraded.bank.getAccount(pool)!.data);
    expect(reopened.startTime).toBeGreaterThan(0);
    expect(tokens(upgraded.bank, reopened.vault)).toBe(10_000_000n * NOS);
    expect(decodeReflectionAccount(upgraded.bank.getAccount(reflection)!.data).totalXnos).toBe(NOS);
    expect(JSON.parse(readFileSync(infoPath, 'utf8'))).toMatchObject({
      rewardsPool: pool.toBase58(),
      jobFeeFraction: 0,
    });
  });
});
