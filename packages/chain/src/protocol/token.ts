/**
 * The SPL Token facts the read paths need (the token and associated-token program ids, where a token account keeps
 * its amount), so that reading the chain does not import @solana/spl-token: with its codecs it costs a command
 * about 0.2 s to load. Instructions that write come from @solana/spl-token, loaded when one is built
 * ({@link splToken}). The unit test checks these against the library.
 */
import { PublicKey, type TransactionInstruction } from '@solana/web3.js';

/** The SPL Token program. */
export const TOKEN_PROGRAM_ADDRESS = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
/** The Associated Token Account program. */
export const ASSOCIATED_TOKEN_PROGRAM_ADDRESS = 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL';
/** Size of an SPL token account: mint (32), owner (32), amount (u64), then delegate, state and the rest. */
export const TOKEN_ACCOUNT_SIZE = 165;
const AMOUNT_OFFSET = 64;

let programs: { token: PublicKey; associated: PublicKey } | undefined;
const ids = () =>
  (programs ??= {
    token: new PublicKey(TOKEN_PROGRAM_ADDRESS),
    associated: new PublicKey(ASSOCIATED_TOKEN_PROGRAM_ADDRESS),
  });

/**
 * The associated token account of `owner` for `mint` (owners off the curve, such as PDAs, allowed).
 *
 * @example
 * ```ts
 * associatedTokenAddress(nosMint, wallet.publicKey).toBase58();
 * ```
 */
export function associatedTokenAddress(mint: PublicKey, owner: PublicKey): PublicKey {
  const { token, associated } = ids();
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), token.toBuffer(), mint.toBuffer()],
    associated,
  )[0];
}

/**
 * The amount held by a token account, from its data; 0 when the data is not a token account (missing or short).
 *
 * @example
 * ```ts
 * tokenAccountAmount((await connection.getAccountInfo(vault))?.data); // 1_000_000n
 * ```
 */
export function tokenAccountAmount(data: Uint8Array | undefined | null): bigint {
  if (!data || data.length < TOKEN_ACCOUNT_SIZE) return 0n;
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(AMOUNT_OFFSET, true);
}

let library: Promise<typeof import('@solana/spl-token')> | undefined;
/**
 * @solana/spl-token, imported on first use (by the paths that build token instructions).
 *
 * @example
 * ```ts
 * const { createTransferInstruction } = await splToken();
 * ```
 */
export function splToken(): Promise<typeof import('@solana/spl-token')> {
  library ??= import('@solana/spl-token');
  return library;
}

/**
 * The instruction that creates `owner`'s associated token account for `mint` unless it exists (idempotent), paid by
 * `payer`. Loads @solana/spl-token.
 *
 * @example
 * ```ts
 * await ctx.send([await tokenAccountInstruction(wallet, nosTokenAddress(wallet), wallet, nosMint), transfer]);
 * ```
 */
export async function tokenAccountInstruction(
  payer: PublicKey,
  account: PublicKey,
  owner: PublicKey,
  mint: PublicKey,
): Promise<TransactionInstruction> {
  const { createAssociatedTokenAccountIdempotentInstruction } = await splToken();
  return createAssociatedTokenAccountIdempotentInstruction(payer, account, owner, mint);
}
