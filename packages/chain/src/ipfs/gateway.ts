import { type CidV0, NosanaError } from '@nosana/core';
import {
  DEFAULT_MAX_BYTES,
  type GetOptions,
  readCapped,
  requireCidV0,
  verifyContent,
} from './content-store.js';
import { readTimeout, readUnreachable, refusedRead, tooLarge } from './read-errors.js';

/** Parameters of {@link fetchFromGateway}. */
export interface FetchFromGatewayParameters extends GetOptions {
  /** Gateway base URL, e.g. `https://nosana.mypinata.cloud` or the localnet's `http://127.0.0.1:5001`. */
  gateway: string;
  cid: CidV0;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Extra request headers (e.g. a gateway token). */
  headers?: Record<string, string>;
}

/**
 * Fetches content from an HTTP gateway (`GET /ipfs/<cid>`), with a timeout, a size cap, and verification that
 * the bytes hash to the CID (a gateway is not trusted).
 *
 * @example
 * ```ts
 * const bytes = await fetchFromGateway({ gateway: 'https://nosana.mypinata.cloud', cid });
 * ```
 */
export async function fetchFromGateway({
  gateway,
  cid,
  headers,
  ...options
}: FetchFromGatewayParameters): Promise<Uint8Array> {
  requireCidV0(cid);
  return fetchVerified({
    cid,
    source: gateway,
    url: `${gateway.replace(/\/+$/, '')}/ipfs/${cid}`,
    init: headers ? { headers } : {},
    ...options,
  });
}

/** Parameters of {@link fetchVerified}. */
export interface FetchVerifiedParameters extends GetOptions {
  cid: CidV0;
  /** What the messages name, e.g. the gateway or the Kubo API's base URL. */
  source: string;
  /** The URL that answers with the content's bytes. */
  url: string;
  /** Method, headers. */
  init: RequestInit;
  /** Default 30 s. */
  timeoutMs?: number;
}

/**
 * Fetches the bytes of `cid` from a URL that answers with them (a gateway's `GET /ipfs/<cid>`, Kubo's
 * `POST /api/v0/cat?arg=<cid>`) with a timeout and a size cap, and checks that they hash to the CID (the server is
 * not trusted). Kubo's error bodies (`{"Message": …}`) that say the content is missing become `CHAIN__IPFS_NOT_FOUND`.
 *
 * @example
 * ```ts
 * const bytes = await fetchVerified({ cid, source: api, url: `${api}/api/v0/cat?arg=${cid}`, init: { method: 'POST' } });
 * ```
 */
export async function fetchVerified({
  cid,
  source,
  url,
  init,
  timeoutMs = 30_000,
  maxBytes = DEFAULT_MAX_BYTES,
  signal,
}: FetchVerifiedParameters): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (cause) {
    if (timeout.aborted) throw readTimeout(url, timeoutMs, cause);
    throw readUnreachable(source, url, cause);
  }
  if (!response.ok || !response.body) await refuse(response, cid, source, url);
  const body = response.body!;
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await body.cancel();
    throw tooLarge(cid, maxBytes, declared);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(body as unknown as AsyncIterable<Uint8Array>, cid, maxBytes);
  } catch (cause) {
    if (cause instanceof NosanaError) throw cause;
    throw new NosanaError(
      timeout.aborted ? 'CHAIN__IPFS_TIMEOUT' : 'CHAIN__IPFS_UNREACHABLE',
      `the IPFS server ${source} broke off its answer for ${cid}: ${(cause as Error).message}`,
      timeout.aborted ? { url, timeoutMs } : { url },
      { cause },
    );
  }
  await verifyContent(cid, bytes, source);
  return bytes;
}

/** Throws the coded error for a refused request: missing content (404, or Kubo's "not found" 500), or failure. */
async function refuse(response: Response, cid: string, source: string, url: string): Promise<never> {
  const text = await response.text().catch(() => '');
  throw refusedRead({ status: response.status, text, cid, source, url });
}
