import { getProgramIds } from '@nosana/chain';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localnet, startLocalnet } from './localnet.js';

let localnet: Localnet;
let connection: Connection;

beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  connection = new Connection(localnet.rpcUrl, 'confirmed');
});
afterAll(async () => {
  await localnet.close();
});

describe('simulateTransaction with emulated instructions', () => {
  it('reports the units a failing emulated instruction consumed, as a validator does', async () => {
    const payer = Keypair.generate();
    const signature = await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
    await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
    const jobs = getProgramIds('mainnet').jobs;
    // No Jobs instruction has this discriminator: Anchor's InstructionFallbackNotFound.
    const bogus = new TransactionInstruction({ programId: jobs, keys: [], data: Buffer.alloc(8, 7) });
    const message = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: (await connection.getLatestBlockhash()).blockhash,
      instructions: [bogus],
    }).compileToV0Message();
    const transaction = new VersionedTransaction(message);
    transaction.sign([payer]);
    const { value } = await connection.simulateTransaction(transaction);
    expect(value.err).toEqual({ InstructionError: [0, { Custom: 101 }] });
    expect(value.unitsConsumed).toBeGreaterThan(0);
    expect(value.logs).toContain(
      `Program ${jobs.toBase58()} consumed ${value.unitsConsumed} of 200000 compute units`,
    );
  });
});
