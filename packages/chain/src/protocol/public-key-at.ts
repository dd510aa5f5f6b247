import { PublicKey } from '@solana/web3.js';
import type { KeyAt } from './account-bytes.js';

/**
 * Reads the address at `offset` as a `PublicKey`: how the account decoders of `@nosana/chain` read addresses.
 *
 * @example
 * ```ts
 * publicKeyAt(data, OFFSETS.job.market).toBase58();
 * ```
 */
export const publicKeyAt: KeyAt<PublicKey> = (data, offset) =>
  new PublicKey(data.subarray(offset, offset + 32));
