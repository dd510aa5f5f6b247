/**
 * Sealed boxes: anyone seals bytes to a Solana address; only the holder of its secret key opens them. An ephemeral
 * X25519 key agrees a secret with the recipient's X25519 key (derived from its ed25519 key), HKDF-SHA256 turns it
 * into a key, and XChaCha20-Poly1305 encrypts with a `context` string as associated data, so a box opened in
 * another context (another job's poster, another variable) fails.
 *
 * Box bytes: `version (1) ‖ ephemeral public key (32) ‖ nonce (24) ‖ ciphertext + tag`.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { NosanaError } from '@nosana/core';
import { base64 } from '@scure/base';
import './errors.js';
import { x25519PublicKey, x25519SecretKey } from './keys.js';

const VERSION = 1;
const HEADER = 1 + 32 + 24;

/** Parameters of {@link seal}. */
export interface SealParameters {
  /** The recipient's Solana address (base58). */
  to: string;
  plaintext: Uint8Array;
  /** Bound to the box: opening needs the same context. */
  context: string;
  /** Random bytes (tests inject a deterministic source). Default: the platform's CSPRNG. */
  random?: (length: number) => Uint8Array;
}

function keyOf(
  shared: Uint8Array,
  ephemeral: Uint8Array,
  recipient: Uint8Array,
  context: string,
): Uint8Array {
  return hkdf(sha256, shared, concatBytes(ephemeral, recipient), utf8ToBytes(`nosana-seal/1 ${context}`), 32);
}

/**
 * Seals bytes to a Solana address; returns the box's bytes.
 *
 * @example
 * ```ts
 * const box = seal({ to: node, plaintext: utf8ToBytes('hf_…'), context: 'secret:HF_TOKEN' });
 * ```
 */
export function seal({ to, plaintext, context, random = randomBytes }: SealParameters): Uint8Array {
  const recipient = x25519PublicKey(to);
  const ephemeralSecret = random(32);
  const ephemeral = x25519.getPublicKey(ephemeralSecret);
  const key = keyOf(x25519.getSharedSecret(ephemeralSecret, recipient), ephemeral, recipient, context);
  const nonce = random(24);
  const ciphertext = xchacha20poly1305(key, nonce, utf8ToBytes(context)).encrypt(plaintext);
  return concatBytes(Uint8Array.of(VERSION), ephemeral, nonce, ciphertext);
}

/** Parameters of {@link openSealed}. */
export interface OpenSealedParameters {
  box: Uint8Array;
  /** The recipient's Solana secret key (64 bytes). */
  secretKey: Uint8Array;
  context: string;
  /** Where the box came from, for messages. */
  where?: string;
}

/**
 * Opens a sealed box; throws `TRUST__SEAL_OPEN_FAILED` when it was sealed to another key or context, or altered.
 *
 * @example
 * ```ts
 * const plaintext = openSealed({ box, secretKey: wallet.secretKey, context: 'secret:HF_TOKEN' });
 * ```
 */
export function openSealed({
  box,
  secretKey,
  context,
  where = 'the sealed box',
}: OpenSealedParameters): Uint8Array {
  if (box.length < HEADER + 16 || box[0] !== VERSION)
    throw new NosanaError(
      'TRUST__SEALED_MALFORMED',
      `${where} is not a version-${VERSION} sealed box (${box.length} bytes) — seal it again with this version`,
      { where },
    );
  const ephemeral = box.subarray(1, 33);
  const nonce = box.subarray(33, HEADER);
  const secret = x25519SecretKey(secretKey);
  const recipient = x25519.getPublicKey(secret);
  try {
    const key = keyOf(x25519.getSharedSecret(secret, ephemeral), ephemeral, recipient, context);
    return xchacha20poly1305(key, nonce, utf8ToBytes(context)).decrypt(box.subarray(HEADER));
  } catch (cause) {
    throw new NosanaError(
      'TRUST__SEAL_OPEN_FAILED',
      `${where} does not open with this key: it was sealed to another key or for another use, or it was altered`,
      { where },
      { cause },
    );
  }
}

/** A box as base64 text. */
export function boxToText(box: Uint8Array): string {
  return base64.encode(box);
}

/** A box from base64 text; throws `TRUST__SEALED_MALFORMED` on bad base64. */
export function boxFromText(text: string, where: string): Uint8Array {
  try {
    return base64.decode(text);
  } catch (cause) {
    throw new NosanaError(
      'TRUST__SEALED_MALFORMED',
      `${where} is not base64 — seal it again`,
      { where },
      { cause },
    );
  }
}
