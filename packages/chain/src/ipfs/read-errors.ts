/**
 * The coded errors of reading content from IPFS, worded once for the content stores (`gateway.ts`,
 * `content-store.ts`) and the lite reads (`lite/ipfs.ts`).
 */
import { NosanaError } from '@nosana/core';
import '../errors.js';

/**
 * The error for a refused read: missing content (404, or Kubo's "not found" error body) or another failure. `text` is
 * the answer's body (Kubo's `{"Message": …}` or plain text).
 *
 * @example
 * ```ts
 * throw refusedRead({ status: 404, text: '', cid, source: gateway, url });
 * ```
 */
export function refusedRead({
  status,
  text,
  cid,
  source,
  url,
}: {
  status: number;
  text: string;
  cid: string;
  source: string;
  url: string;
}): NosanaError {
  let message = text.slice(0, 300);
  try {
    message = String((JSON.parse(text) as { Message?: unknown }).Message ?? message);
  } catch {
    // Not Kubo's JSON error body: keep the text.
  }
  if (status === 404 || /not found|no link named/i.test(message))
    return new NosanaError('CHAIN__IPFS_NOT_FOUND', `${cid} is not available from ${source}`, { cid, url });
  return new NosanaError(
    'CHAIN__IPFS_UNREACHABLE',
    `the IPFS server ${source} answered ${status} for ${cid}${message ? `: ${message}` : ''}`,
    { url, status },
  );
}

/**
 * `CHAIN__IPFS_TIMEOUT`: no answer in time.
 *
 * @example
 * ```ts
 * throw readTimeout(url, 30_000, cause);
 * ```
 */
export const readTimeout = (url: string, timeoutMs: number, cause: unknown): NosanaError =>
  new NosanaError(
    'CHAIN__IPFS_TIMEOUT',
    `${url} did not answer within ${timeoutMs} ms`,
    { url, timeoutMs },
    { cause },
  );

/**
 * `CHAIN__IPFS_UNREACHABLE`: nothing answered.
 *
 * @example
 * ```ts
 * throw readUnreachable(api, url, cause);
 * ```
 */
export const readUnreachable = (source: string, url: string, cause: unknown): NosanaError =>
  new NosanaError(
    'CHAIN__IPFS_UNREACHABLE',
    `cannot reach the IPFS server ${source}: ${(cause as Error)?.message ?? String(cause)} — is it running and reachable?`,
    { url },
    { cause },
  );

/**
 * `CHAIN__IPFS_TOO_LARGE`: content over the cap, as declared (`declared` bytes) or as it streamed in.
 *
 * @example
 * ```ts
 * throw tooLarge(cid, 16 * 2 ** 20, Number(headers['content-length']));
 * ```
 */
export const tooLarge = (cid: string, maxBytes: number, declared?: number): NosanaError =>
  new NosanaError(
    'CHAIN__IPFS_TOO_LARGE',
    declared === undefined
      ? `${cid} is larger than the ${maxBytes} bytes allowed`
      : `${cid} is ${declared} bytes, more than the ${maxBytes} allowed`,
    { cid, maxBytes },
  );

/**
 * `CHAIN__IPFS_CID_MISMATCH`: the content's CID is not the one asked for.
 *
 * @example
 * ```ts
 * if (actual !== cid) throw cidMismatch(cid, actual, url);
 * ```
 */
export const cidMismatch = (expected: string, actual: string, url: string): NosanaError =>
  new NosanaError(
    'CHAIN__IPFS_CID_MISMATCH',
    `${url} returned content for ${expected} whose CID is ${actual} — refusing it`,
    { expected, actual, url },
  );

/**
 * `CHAIN__IPFS_INVALID_JSON`: content that should be a JSON document is not.
 *
 * @example
 * ```ts
 * throw invalidJson(cid, cause);
 * ```
 */
export const invalidJson = (cid: string, cause: unknown): NosanaError =>
  new NosanaError('CHAIN__IPFS_INVALID_JSON', `${cid} is not a JSON document`, { cid }, { cause });
