import { ComputeBudgetProgram, Keypair, LAMPORTS_PER_SOL, SystemProgram } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createTestChain } from '../../test/bank-helpers.js';
import { createRpcHandler } from './rpc.js';

describe('getRecentPrioritizationFees', () => {
  it('answers the compute unit prices of recent successful transactions, per slot and per written account', () => {
    // A stopped wall clock: slots move only when the test moves them.
    const now = Date.now();
    const chain = createTestChain(() => now);
    const handle = createRpcHandler(chain.bank, { info: () => null as never, airdropNos: () => '' });
    const payer = chain.user();
    const busy = Keypair.generate().publicKey;
    const quiet = Keypair.generate().publicKey;
    const transfer = (to: typeof busy, microLamports: number) =>
      chain.send(
        [
          ComputeBudgetProgram.setComputeUnitPrice({ microLamports }),
          SystemProgram.transfer({
            fromPubkey: payer.publicKey,
            toPubkey: to,
            lamports: LAMPORTS_PER_SOL / 100,
          }),
        ],
        [payer],
      );
    expect(transfer(busy, 7_000).err).toBeNull();
    expect(transfer(quiet, 2_000).err).toBeNull();
    const slot = chain.bank.currentSlot;

    const all = handle('getRecentPrioritizationFees', []) as Array<{
      slot: number;
      prioritizationFee: number;
    }>;
    // Without accounts: the lowest price that landed in the slot; the genesis and faucet transactions paid none.
    expect(all).toEqual([{ slot, prioritizationFee: 0 }]);
    const forBusy = handle('getRecentPrioritizationFees', [[busy.toBase58()]]) as typeof all;
    expect(forBusy.find((entry) => entry.slot === slot)?.prioritizationFee).toBe(7_000);
    const forQuiet = handle('getRecentPrioritizationFees', [[quiet.toBase58()]]) as typeof all;
    expect(forQuiet.find((entry) => entry.slot === slot)?.prioritizationFee).toBe(2_000);

    // Old slots leave the window (150 slots, as validators).
    chain.bank.advance(151);
    transfer(busy, 1);
    const later = handle('getRecentPrioritizationFees', [[busy.toBase58()]]) as typeof all;
    expect(later.map((entry) => entry.slot)).toEqual([chain.bank.currentSlot]);
    expect(later[0]!.prioritizationFee).toBe(1);
  });

  it('refuses more than 128 addresses and malformed ones', () => {
    const chain = createTestChain();
    const handle = createRpcHandler(chain.bank, { info: () => null as never, airdropNos: () => '' });
    const many = Array.from({ length: 129 }, () => Keypair.generate().publicKey.toBase58());
    expect(() => handle('getRecentPrioritizationFees', [many])).toThrow(/at most 128/);
    expect(() => handle('getRecentPrioritizationFees', [['x'.repeat(45)]])).toThrow(/at most 44/);
  });
});
