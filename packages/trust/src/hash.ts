/** SHA-256 digests of what a receipt covers: JSON documents (canonical form), log lines and output streams. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { textBlocks, writeCanonicalJson } from '@nosana/core';

/** A digest and the byte length it covers. */
export interface Digest {
  /** Hex SHA-256. */
  sha256: string;
  bytes: number;
}

/**
 * The SHA-256 of a JSON value's canonical form (RFC 8785), the bytes a node pins.
 *
 * @example
 * ```ts
 * jsonDigest({ b: 1, a: 2 }).sha256 === jsonDigest({ a: 2, b: 1 }).sha256; // true
 * ```
 */
export function jsonDigest(value: unknown): Digest {
  // Hashed as it is written, block by block: a 16 MiB result is never held as one string or buffer here.
  const hash = sha256.create();
  let bytes = 0;
  const write = textBlocks((block) => {
    hash.update(block);
    bytes += block.length;
  });
  writeCanonicalJson(value, write);
  write.end();
  return { sha256: bytesToHex(hash.digest()), bytes };
}

/**
 * The SHA-256 of a stream of chunks (an output uploaded by the node), without holding it whole.
 *
 * @example
 * ```ts
 * const { sha256, bytes } = await streamDigest(createReadStream('out.tar'));
 * ```
 */
export async function streamDigest(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Digest> {
  const hash = sha256.create();
  let bytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: bytesToHex(hash.digest()), bytes };
}
