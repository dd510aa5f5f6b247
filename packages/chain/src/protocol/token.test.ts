import {
  ACCOUNT_SIZE,
  AccountLayout,
  ASSOCIATED_TOKEN_PROGRAM_ID,
  getAssociatedTokenAddressSync,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  associatedTokenAddress,
  TOKEN_ACCOUNT_SIZE,
  TOKEN_PROGRAM_ADDRESS,
  tokenAccountAmount,
} from './token.js';

describe('the SPL Token facts of the read paths agree with @solana/spl-token', () => {
  it('has the same program ids and account size', () => {
    expect(TOKEN_PROGRAM_ADDRESS).toBe(TOKEN_PROGRAM_ID.toBase58());
    expect(ASSOCIATED_TOKEN_PROGRAM_ADDRESS).toBe(ASSOCIATED_TOKEN_PROGRAM_ID.toBase58());
    expect(TOKEN_ACCOUNT_SIZE).toBe(ACCOUNT_SIZE);
  });

  it('derives the same associated token accounts, for wallets and PDAs', () => {
    const mint = Keypair.generate().publicKey;
    const pda = PublicKey.findProgramAddressSync([Buffer.from('vault')], Keypair.generate().publicKey)[0];
    for (const owner of [Keypair.generate().publicKey, Keypair.generate().publicKey, pda])
      expect(
        associatedTokenAddress(mint, owner).equals(getAssociatedTokenAddressSync(mint, owner, true)),
      ).toBe(true);
  });

  it('reads the amount the library encodes, and 0 for what is not a token account', () => {
    for (const amount of [0n, 1n, 1_000_000n, 2n ** 64n - 1n]) {
      const data = Buffer.alloc(ACCOUNT_SIZE);
      AccountLayout.encode(
        {
          mint: Keypair.generate().publicKey,
          owner: Keypair.generate().publicKey,
          amount,
          delegateOption: 0,
          delegate: PublicKey.default,
          state: 1,
          isNativeOption: 0,
          isNative: 0n,
          delegatedAmount: 0n,
          closeAuthorityOption: 0,
          closeAuthority: PublicKey.default,
        },
        data,
      );
      expect(tokenAccountAmount(data)).toBe(amount);
      expect(tokenAccountAmount(new Uint8Array(data).subarray(0))).toBe(amount);
    }
    expect(tokenAccountAmount(undefined)).toBe(0n);
    expect(tokenAccountAmount(Buffer.alloc(100))).toBe(0n);
  });
});
