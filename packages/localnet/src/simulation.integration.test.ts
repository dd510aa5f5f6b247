import { getProgramIds } from '@nosana/chain';
import {
  ComputeBudgetProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
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

  it('logs and charges compute budget instructions once, where they stand, as a validator does', async () => {
    const payer = Keypair.generate();
    const signature = await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
    await connection.confirmTransaction({ signature, ...(await connection.getLatestBlockhash()) });
    const jobs = getProgramIds('mainnet').jobs.toBase58();
    const budget = ComputeBudgetProgram.programId.toBase58();
    const simulate = async (instructions: TransactionInstruction[]) => {
      const message = new TransactionMessage({
        payerKey: payer.publicKey,
        recentBlockhash: (await connection.getLatestBlockhash()).blockhash,
        instructions: [
          ComputeBudgetProgram.setComputeUnitLimit({ units: 200_000 }),
          ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 1 }),
          ...instructions,
        ],
      }).compileToV0Message();
      const transaction = new VersionedTransaction(message);
      transaction.sign([payer]);
      return (await connection.simulateTransaction(transaction)).value;
    };
    const budgetLines = [
      `Program ${budget} invoke [1]`,
      `Program ${budget} success`,
      `Program ${budget} invoke [1]`,
      `Program ${budget} success`,
    ];
    // Emulated only: the budget instructions are not run by litesvm, yet a validator logs them.
    const emulated = await simulate([
      new TransactionInstruction({ programId: new PublicKey(jobs), keys: [], data: Buffer.alloc(8, 7) }),
    ]);
    expect(emulated.logs?.slice(0, 5)).toEqual([...budgetLines, `Program ${jobs} invoke [1]`]);
    // Real only: litesvm runs them in its sub-transaction; they are logged and charged once, not twice.
    const transfer = SystemProgram.transfer({
      fromPubkey: payer.publicKey,
      toPubkey: Keypair.generate().publicKey,
      lamports: 1_000_000,
    });
    const real = await simulate([transfer]);
    expect(real.err).toBeNull();
    expect(real.logs).toEqual([
      ...budgetLines,
      'Program 11111111111111111111111111111111 invoke [1]',
      'Program 11111111111111111111111111111111 success',
    ]);
    expect(real.unitsConsumed).toBe(450);
    expect(emulated.logs?.filter((line) => line.startsWith(`Program ${budget} invoke`))).toHaveLength(2);
  });
});
