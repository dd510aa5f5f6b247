import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { NosanaError } from '@nosana/core';
import { base58 } from '@scure/base';
import type { Keypair, PublicKey } from '@solana/web3.js';

declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** A signed request header is malformed, expired, or not signed by the expected key. */
    CHAIN__AUTH_INVALID: { reason: string };
  }
}

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** How long a signed header is valid by default: 5 minutes. */
export const AUTH_HEADER_VALIDITY_MS = 5 * 60 * 1000;

/**
 * A signed request header, the way Nosana nodes authenticate job owners: `<message>:<base58 signature>:<unix ms>`,
 * where the signature is ed25519 over `<message>:<unix ms>`.
 *
 * @example
 * ```ts
 * fetch(`${nodeApi}/job/${job}/logs`, { headers: { authorization: createAuthHeader(wallet, `nosana-job:${job}`) } });
 * ```
 */
export function createAuthHeader(keypair: Keypair, message: string, now: number = Date.now()): string {
  // A Solana secret key is the 32-byte ed25519 seed followed by the public key.
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, Buffer.from(keypair.secretKey.subarray(0, 32))]),
    format: 'der',
    type: 'pkcs8',
  });
  const signature = sign(null, Buffer.from(`${message}:${now}`), key);
  return `${message}:${base58.encode(signature)}:${now}`;
}

/** Parameters of {@link verifyAuthHeader}. */
export interface VerifyAuthHeaderParameters {
  header: string | undefined;
  /** Who must have signed (e.g. the job's project). */
  publicKey: PublicKey;
  /** The message expected (e.g. `nosana-job:<job>`). */
  message: string;
  maxAgeMs?: number;
  now?: number;
}

/**
 * Checks a header made by {@link createAuthHeader}: right message, signed by `publicKey`, not older than
 * `maxAgeMs` (nor from the future). Throws `CHAIN__AUTH_INVALID` with the reason.
 *
 * @example
 * ```ts
 * verifyAuthHeader({ header: request.headers.authorization, publicKey: job.project, message: `nosana-job:${job.address}` });
 * ```
 */
export function verifyAuthHeader({
  header,
  publicKey,
  message,
  maxAgeMs = AUTH_HEADER_VALIDITY_MS,
  now = Date.now(),
}: VerifyAuthHeaderParameters): void {
  const fail = (reason: string): never => {
    throw new NosanaError('CHAIN__AUTH_INVALID', `authorization refused: ${reason}`, { reason });
  };
  if (!header) fail('no authorization header');
  // The message may itself contain ":"; the signature and timestamp are the last two fields.
  const parts = header!.split(':');
  if (parts.length < 3) fail('expected <message>:<signature>:<timestamp>');
  const time = parts.pop()!;
  const signature = parts.pop()!;
  const signed = parts.join(':');
  if (signed !== message) fail(`the header is for "${signed}", not "${message}"`);
  const timestamp = Number(time);
  if (!Number.isSafeInteger(timestamp)) fail('bad timestamp');
  if (now - timestamp > maxAgeMs) fail('the header has expired — sign a new one');
  if (timestamp - now > 60_000) fail('the header is dated in the future');
  let bytes: Uint8Array = new Uint8Array(0);
  try {
    bytes = base58.decode(signature);
  } catch {
    fail('the signature is not base58');
  }
  const key = createPublicKey({
    key: Buffer.concat([SPKI_ED25519, publicKey.toBuffer()]),
    format: 'der',
    type: 'spki',
  });
  if (verify(null, Buffer.from(`${message}:${timestamp}`), key, bytes)) return;
  // The original SDK signs the message alone and appends the time unsigned: such a header never expires for anyone
  // who saw it (hosts do), whatever time they put after it. Refused, and said so.
  if (verify(null, Buffer.from(message), key, bytes))
    fail(
      'the signature covers the message but not its time (the original SDK’s header): anyone who saw it could reuse it forever — sign "<message>:<time>" (createAuthHeader)',
    );
  fail(`not signed by ${publicKey.toBase58()}`);
}

/**
 * The message a job's poster signs to read the job's live state and logs from the node running it.
 *
 * @example
 * ```ts
 * const authorization = createAuthHeader(wallet, jobAuthMessage(job));
 * ```
 */
export const jobAuthMessage = (job: string): string => `nosana-job:${job}`;
