/** `jsonParsed` views of SPL Token accounts and mints, as Solana's account decoder answers them. */
import { AccountLayout, MintLayout, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID } from '@solana/spl-token';
import type { AccountRecord } from './bank.js';

/** The SPL Token and Token-2022 program ids. */
export const TOKEN_PROGRAMS = new Set([TOKEN_PROGRAM_ID.toBase58(), TOKEN_2022_PROGRAM_ID.toBase58()]);

/**
 * A token amount as the RPC reports it (`amount`, `decimals`, `uiAmount`, `uiAmountString`).
 *
 * @example
 * ```ts
 * uiAmount(1_500_000n, 6); // { amount: '1500000', decimals: 6, uiAmount: 1.5, uiAmountString: '1.5' }
 * ```
 */
export function uiAmount(amount: bigint, decimals: number) {
  const divisor = 10 ** decimals;
  const whole = amount / BigInt(divisor);
  const fraction = (amount % BigInt(divisor)).toString().padStart(decimals, '0').replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : `${whole}`;
  return { amount: amount.toString(), decimals, uiAmount: Number(text), uiAmountString: text };
}

/**
 * `jsonParsed` data of SPL token accounts and mints; undefined for anything else.
 *
 * @example
 * ```ts
 * parseTokenData(account, (mint) => 6)?.parsed.type; // 'account' | 'mint'
 * ```
 */
export function parseTokenData(
  account: AccountRecord,
  decimalsOf: (mint: string) => number | undefined,
): { program: string; parsed: { type: string; info: unknown }; space: number } | undefined {
  if (!TOKEN_PROGRAMS.has(account.owner)) return undefined;
  const program = account.owner === TOKEN_PROGRAM_ID.toBase58() ? 'spl-token' : 'spl-token-2022';
  const data = Buffer.from(account.data);
  if (data.length === MintLayout.span || (data.length > 165 && data[165] === 1)) {
    const mint = MintLayout.decode(data.subarray(0, MintLayout.span));
    return {
      program,
      space: data.length,
      parsed: {
        type: 'mint',
        info: {
          decimals: mint.decimals,
          freezeAuthority: mint.freezeAuthorityOption ? mint.freezeAuthority.toBase58() : null,
          isInitialized: mint.isInitialized,
          mintAuthority: mint.mintAuthorityOption ? mint.mintAuthority.toBase58() : null,
          supply: mint.supply.toString(),
        },
      },
    };
  }
  if (data.length >= AccountLayout.span) {
    const token = AccountLayout.decode(data.subarray(0, AccountLayout.span));
    const mint = decimalsOf(token.mint.toBase58());
    return {
      program,
      space: data.length,
      parsed: {
        type: 'account',
        info: {
          isNative: token.isNativeOption === 1,
          mint: token.mint.toBase58(),
          owner: token.owner.toBase58(),
          state: token.state === 2 ? 'frozen' : token.state === 1 ? 'initialized' : 'uninitialized',
          tokenAmount: uiAmount(token.amount, mint ?? 0),
        },
      },
    };
  }
  return undefined;
}
