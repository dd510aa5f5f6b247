import { stopWorkInstruction, workInstruction } from '@nosana/chain';
import { ComputeBudgetProgram, Keypair, SystemProgram, TransactionInstruction } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createTestChain } from '../../test/bank-helpers.js';
import { remapInstructionIndexes } from './transaction-errors.js';

describe('instruction indexes of transactions mixing real and emulated instructions', () => {
  it('reports a failing instruction at its index in the whole transaction, not in its sub-transaction', () => {
    const chain = createTestChain();
    const payer = chain.user();
    const node = chain.user();
    // 0: a valid transfer; 1: a compute budget instruction with unknown data; 2: an emulated Jobs instruction.
    // The real instructions 0 and 1 run first as one litesvm sub-transaction with the budget instruction first.
    const result = chain.send(
      [
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: node.publicKey, lamports: 1 }),
        new TransactionInstruction({
          programId: ComputeBudgetProgram.programId,
          keys: [],
          data: Buffer.from([99]),
        }),
        stopWorkInstruction({ market: chain.market, node: node.publicKey, ids: chain.ids }),
      ],
      [payer, node],
    );
    expect(result.err).toEqual({ InstructionError: [1, 'InvalidInstructionData'] });
  });

  it('reports a failing real instruction after a successful emulated one at its own index', () => {
    const chain = createTestChain();
    const node = chain.user();
    chain.stake(node);
    const poor = Keypair.generate();
    chain.bank.airdrop(poor.publicKey.toBase58(), 1_000_000n);
    const run = Keypair.generate();
    const result = chain.send(
      [
        ComputeBudgetProgram.setComputeUnitLimit({ units: 400_000 }),
        workInstruction({ market: chain.market, node: node.publicKey, run: run.publicKey, ids: chain.ids }),
        SystemProgram.transfer({
          fromPubkey: poor.publicKey,
          toPubkey: node.publicKey,
          lamports: 10_000_000,
        }),
      ],
      [node, run, poor],
    );
    expect(result.err).toEqual({ InstructionError: [2, { Custom: 1 }] });
  });
});

describe('remapInstructionIndexes', () => {
  it('maps instruction and duplicate-instruction indexes and leaves other errors alone', () => {
    expect(remapInstructionIndexes({ InstructionError: [2, { Custom: 1 }] }, [4, 0, 7])).toEqual({
      InstructionError: [7, { Custom: 1 }],
    });
    expect(remapInstructionIndexes({ DuplicateInstruction: 1 }, [3, 5])).toEqual({ DuplicateInstruction: 5 });
    expect(remapInstructionIndexes('AccountNotFound', [1])).toBe('AccountNotFound');
  });
});
