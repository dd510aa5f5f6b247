/** Deterministic Solana-style keys for the package's unit tests (64-byte secret: seed ‖ public key). */
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';

/** A key pair from a one-byte seed. */
export function testKey(n: number): { address: string; secretKey: Uint8Array } {
  const seed = new Uint8Array(32).fill(n);
  const publicKey = ed25519.getPublicKey(seed);
  return { address: base58.encode(publicKey), secretKey: concatBytes(seed, publicKey) };
}
