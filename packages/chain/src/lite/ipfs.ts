/**
 * A JSON document read from IPFS without `fetch` or the UnixFS importer: from a Kubo RPC API (`POST
 * /api/v0/cat`) or a gateway (`GET /ipfs/<cid>`), capped, and verified against its CID. Content of one chunk
 * (256 KiB: job definitions, most results) is verified here; larger content is `CHAIN__LITE_UNSUPPORTED` (read it
 * with the client's content store, which verifies any size).
 */
import { type CidV0, isCidV0, NosanaError } from '@nosana/core';
import { DEFAULT_MAX_BYTES } from '../ipfs/limits.js';
import {
  cidMismatch,
  invalidJson,
  readTimeout,
  readUnreachable,
  refusedRead,
  tooLarge,
} from '../ipfs/read-errors.js';
import { KUBO_CHUNK_SIZE, singleBlockCid } from '../ipfs/single-block-cid.js';
import { sendHttp } from './http.js';
import '../errors.js';

/** Where content is read: a Kubo RPC API or an HTTP gateway (base URLs). */
export type LiteContentSource = { kuboApi: string } | { gateway: string };

/** Parameters of {@link readJsonLite}. */
export interface ReadJsonLiteParameters {
  source: LiteContentSource;
  cid: CidV0;
  /** Default 30,000 ms. */
  timeoutMs?: number;
  /** Default 16 MiB (the content stores' cap). */
  maxBytes?: number;
}

/**
 * Reads and parses the JSON document at `cid`, verified. Errors are the content stores': `CHAIN__IPFS_NOT_FOUND`,
 * `…_UNREACHABLE`, `…_TIMEOUT`, `…_TOO_LARGE`, `…_CID_MISMATCH`, `…_INVALID_JSON`; content over one chunk is
 * `CHAIN__LITE_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * const definition = await readJsonLite<JobDefinition>({ source: { kuboApi: 'http://127.0.0.1:5001' }, cid });
 * ```
 */
export async function readJsonLite<T = unknown>({
  source,
  cid,
  timeoutMs = 30_000,
  maxBytes = DEFAULT_MAX_BYTES,
}: ReadJsonLiteParameters): Promise<T> {
  if (!isCidV0(cid))
    throw new NosanaError(
      'CORE__INVALID_CID',
      `"${cid}" is not a CIDv0 — expected a 46-character base58 CID starting with "Qm"`,
      { cid },
    );
  const base = ('kuboApi' in source ? source.kuboApi : source.gateway).replace(/\/+$/, '');
  const url = 'kuboApi' in source ? `${base}/api/v0/cat?arg=${cid}` : `${base}/ipfs/${cid}`;
  const { status, body } = await sendHttp({
    url,
    method: 'kuboApi' in source ? 'POST' : 'GET',
    timeoutMs,
    maxBytes,
    fail: (kind, cause) =>
      kind === 'timeout'
        ? readTimeout(url, timeoutMs, cause)
        : kind === 'too-large'
          ? tooLarge(cid, maxBytes)
          : readUnreachable(base, url, cause),
  });
  if (status < 200 || status >= 300)
    throw refusedRead({ status, text: body.toString('utf8'), cid, source: base, url });
  if (body.length > KUBO_CHUNK_SIZE)
    throw new NosanaError(
      'CHAIN__LITE_UNSUPPORTED',
      `${cid} is ${body.length} bytes: the lite reads verify content of one chunk (${KUBO_CHUNK_SIZE} bytes) — read it with the client`,
      { what: 'content over one chunk' },
    );
  const actual = singleBlockCid(body);
  if (actual !== cid) throw cidMismatch(cid, actual, url);
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (cause) {
    throw invalidJson(cid, cause);
  }
}
