import { PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { Account, FailedTransactionMetadata, LITESVM_MEMBERS_USED, LiteSvm } from './litesvm.js';

describe("litesvm's private module (litesvm/dist/internal.js)", () => {
  it('still exports the native classes the ledger uses', () => {
    expect(typeof LiteSvm).toBe('function');
    expect(typeof LiteSvm.loadFromFile).toBe('function');
    expect(typeof Account).toBe('function');
    expect(typeof FailedTransactionMetadata).toBe('function');
  });

  it.each(LITESVM_MEMBERS_USED)('LiteSvm.prototype.%s still exists', (member) => {
    expect(typeof (LiteSvm.prototype as unknown as Record<string, unknown>)[member]).toBe('function');
  });

  it('still takes and returns raw bytes and bigints the way the ledger calls it', () => {
    const svm = new LiteSvm();
    const key = new PublicKey('Nosana1111111111111111111111111111111111111').toBytes();
    svm.setAccount(key, new Account(5_000_000n, new Uint8Array([1, 2, 3]), new Uint8Array(32), false, 0n));
    const account = svm.getAccount(key);
    expect(account?.lamports()).toBe(5_000_000n);
    expect([...(account?.data() ?? [])]).toEqual([1, 2, 3]);
    expect(svm.getBalance(key)).toBe(5_000_000n);
    expect(typeof svm.latestBlockhash()).toBe('string');
    expect(svm.getProgramAccounts(new Uint8Array(32)).some((entry) => entry.address.length === 32)).toBe(
      true,
    );
  });
});
