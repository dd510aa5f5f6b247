import { type CidV0, canonicalJsonBytes, isCidV0, NosanaError } from '@nosana/core';
import { computeCid } from './cid.js';
import { cidMismatch, invalidJson, tooLarge } from './read-errors.js';
import '../errors.js';

/** Options of reads from a content store. */
export interface GetOptions {
  /** Refuse content larger than this. Default 16 MiB. */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** Where job definitions and results live: a Kubo node, a pinning service, the localnet's store… */
export interface ContentStore {
  /** Human name for messages, e.g. `kubo http://127.0.0.1:5001`. */
  readonly name: string;
  /** Stores and pins `bytes`; returns their CIDv0 (verified against a locally computed one). */
  putBytes(bytes: Uint8Array, options?: { signal?: AbortSignal }): Promise<CidV0>;
  /** Reads content by CID; the bytes are verified against the CID. */
  getBytes(cid: CidV0, options?: GetOptions): Promise<Uint8Array>;
}

export { DEFAULT_MAX_BYTES } from './limits.js';

/**
 * Stores a JSON value as canonical bytes (sorted keys, no whitespace), so equal values always get equal CIDs.
 *
 * @example
 * ```ts
 * const cid = await putJson(store, definition); // 'Qm…'
 * ```
 */
export async function putJson(
  store: ContentStore,
  value: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<CidV0> {
  return store.putBytes(canonicalJsonBytes(value), options);
}

/**
 * Reads a JSON document by CID.
 *
 * @example
 * ```ts
 * const result = await getJson<FlowState>(store, cid, { maxBytes: 4 * 1024 * 1024 });
 * ```
 */
export async function getJson<T = unknown>(
  store: ContentStore,
  cid: CidV0,
  options: GetOptions = {},
): Promise<T> {
  const bytes = await store.getBytes(cid, options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (cause) {
    throw invalidJson(cid, cause);
  }
}

/** Fails unless `bytes` hash to `cid` (content from untrusted services is checked before use). */
export async function verifyContent(cid: CidV0, bytes: Uint8Array, url: string): Promise<void> {
  const actual = await computeCid(bytes);
  if (actual !== cid) throw cidMismatch(cid, actual, url);
}

/** Fails unless `cid` is a CIDv0 (the only form the programs can store). */
export function requireCidV0(cid: string): void {
  if (!isCidV0(cid)) {
    throw new NosanaError(
      'CORE__INVALID_CID',
      `"${cid}" is not a CIDv0 — expected a 46-character base58 CID starting with "Qm"`,
      { cid },
    );
  }
}

/** Reads a response body up to `maxBytes`, failing as soon as it is exceeded. */
export async function readCapped(
  body: AsyncIterable<Uint8Array>,
  cid: string,
  maxBytes: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      throw tooLarge(cid, maxBytes);
    }
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
