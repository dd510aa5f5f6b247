import { base58 } from '@scure/base';
import { NosanaError } from './errors.js';

/** A CIDv0 string: base58btc of a sha2-256 multihash (`Qm…`, 46 characters). */
export type CidV0 = string;

const SHA2_256 = 0x12;
const DIGEST_LENGTH = 32;

/**
 * True when `value` is a well-formed CIDv0 — the only CID form the Nosana programs can store, because
 * they keep the 32-byte sha2-256 digest (`ipfs_job`, `ipfs_result`).
 *
 * @example
 * ```ts
 * isCidV0('QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr'); // true
 * ```
 */
export function isCidV0(value: unknown): value is CidV0 {
  if (typeof value !== 'string' || value.length !== 46 || !value.startsWith('Qm')) return false;
  try {
    const bytes = base58.decode(value);
    return bytes.length === 34 && bytes[0] === SHA2_256 && bytes[1] === DIGEST_LENGTH;
  } catch {
    return false;
  }
}

/**
 * The 32-byte digest stored on chain for a CIDv0.
 *
 * @example
 * ```ts
 * cidToBytes32('QmUKJAymjnAe2811uB7ATRduxzR2rd6XfUFXaF5ReLafhr'); // Uint8Array(32) [0x58, 0xcd, …]
 * ```
 */
export function cidToBytes32(cid: string): Uint8Array {
  if (!isCidV0(cid)) {
    throw new NosanaError(
      'CORE__INVALID_CID',
      `"${cid}" is not a CIDv0 — expected a 46-character base58 sha2-256 CID starting with "Qm" (CIDv1 "bafy…" cannot be stored on chain)`,
      { cid },
    );
  }
  return base58.decode(cid).slice(2);
}

/**
 * The CIDv0 for a 32-byte on-chain digest.
 *
 * @example
 * ```ts
 * bytes32ToCid(job.ipfsJob); // 'Qm…'
 * ```
 */
export function bytes32ToCid(bytes: Uint8Array | readonly number[]): CidV0 {
  if (bytes.length !== DIGEST_LENGTH) {
    throw new NosanaError(
      'CORE__INVALID_BYTES32',
      `expected 32 bytes for an IPFS digest, got ${bytes.length}`,
      {
        length: bytes.length,
      },
    );
  }
  const multihash = new Uint8Array(2 + DIGEST_LENGTH);
  multihash[0] = SHA2_256;
  multihash[1] = DIGEST_LENGTH;
  multihash.set(bytes, 2);
  return base58.encode(multihash);
}

/**
 * True when all 32 bytes are zero — how the programs store "no result yet".
 *
 * @example
 * ```ts
 * isNullDigest(job.ipfsResult); // true until the job is finished
 * ```
 */
export function isNullDigest(bytes: Uint8Array | readonly number[]): boolean {
  return bytes.length === DIGEST_LENGTH && bytes.every((b) => b === 0);
}
