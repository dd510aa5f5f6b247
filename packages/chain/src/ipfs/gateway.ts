import { type CidV0, NosanaError } from '@nosana/core';
import {
  DEFAULT_MAX_BYTES,
  type GetOptions,
  readCapped,
  requireCidV0,
  verifyContent,
} from './content-store.js';

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
  timeoutMs = 30_000,
  maxBytes = DEFAULT_MAX_BYTES,
  signal,
  headers,
}: FetchFromGatewayParameters): Promise<Uint8Array> {
  requireCidV0(cid);
  const url = `${gateway.replace(/\/+$/, '')}/ipfs/${cid}`;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      ...(headers ? { headers } : {}),
    });
  } catch (cause) {
    if (timeout.aborted)
      throw new NosanaError(
        'CHAIN__IPFS_TIMEOUT',
        `${url} did not answer within ${timeoutMs} ms`,
        { url, timeoutMs },
        { cause },
      );
    throw new NosanaError(
      'CHAIN__IPFS_UNREACHABLE',
      `cannot reach the IPFS gateway ${gateway}: ${(cause as Error).message}`,
      { url },
      { cause },
    );
  }
  if (response.status === 404)
    throw new NosanaError('CHAIN__IPFS_NOT_FOUND', `${cid} is not available from ${gateway}`, { cid, url });
  if (!response.ok || !response.body) {
    throw new NosanaError(
      'CHAIN__IPFS_UNREACHABLE',
      `the IPFS gateway ${gateway} answered ${response.status} for ${cid}`,
      { url, status: response.status },
    );
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body.cancel();
    throw new NosanaError(
      'CHAIN__IPFS_TOO_LARGE',
      `${cid} is ${declared} bytes, more than the ${maxBytes} allowed`,
      { cid, maxBytes },
    );
  }
  const bytes = await readCapped(response.body as unknown as AsyncIterable<Uint8Array>, cid, maxBytes);
  await verifyContent(cid, bytes, gateway);
  return bytes;
}
