/**
 * Keys: Solana wallets are ed25519 keys; the same keys seal and open with X25519 (the birational map from
 * Edwards to Montgomery form, as libsodium's `crypto_sign_ed25519_pk_to_curve25519`).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { NosanaError } from '@nosana/core';
import { base58 } from '@scure/base';
import './errors.js';

/** The 32 bytes of an ed25519 public key given in base58 (a Solana address). */
export function publicKeyBytes(address: string, what = 'the public key'): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(address);
  } catch {
    bytes = new Uint8Array();
  }
  if (bytes.length !== 32)
    throw new NosanaError(
      'TRUST__INVALID_KEY',
      `${what} "${address.slice(0, 60)}" is not a base58 ed25519 public key (a Solana address) — check the address`,
      { what },
    );
  return bytes;
}

/** The 32-byte seed of a Solana secret key (64 bytes: seed then public key). */
export function secretSeed(secretKey: Uint8Array, what = 'the secret key'): Uint8Array {
  if (secretKey.length !== 64 && secretKey.length !== 32)
    throw new NosanaError(
      'TRUST__INVALID_KEY',
      `${what} has ${secretKey.length} bytes; a Solana secret key has 64 (or a 32-byte seed) — load the wallet file again`,
      { what },
    );
  return secretKey.slice(0, 32);
}

/**
 * The X25519 public key of a Solana address.
 *
 * @example
 * ```ts
 * const x = x25519PublicKey(wallet.publicKey.toBase58());
 * ```
 */
export function x25519PublicKey(address: string): Uint8Array {
  const bytes = publicKeyBytes(address);
  try {
    return ed25519.utils.toMontgomery(bytes);
  } catch (cause) {
    throw new NosanaError(
      'TRUST__INVALID_KEY',
      `"${address}" is not a point of the ed25519 curve, so nothing can be sealed to it — check the address`,
      { what: 'the recipient' },
      { cause },
    );
  }
}

/**
 * The X25519 secret key of a Solana secret key.
 *
 * @example
 * ```ts
 * const secret = x25519SecretKey(wallet.secretKey);
 * ```
 */
export function x25519SecretKey(secretKey: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomerySecret(secretSeed(secretKey));
}

/**
 * The base58 address of a Solana secret key.
 *
 * @example
 * ```ts
 * addressOf(wallet.secretKey) === wallet.publicKey.toBase58(); // true
 * ```
 */
export function addressOf(secretKey: Uint8Array): string {
  return base58.encode(ed25519.getPublicKey(secretSeed(secretKey)));
}
