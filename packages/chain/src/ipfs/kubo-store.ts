import { type CidV0, NosanaError } from '@nosana/core';
import { computeCid, KUBO_CHUNK_SIZE } from './cid.js';
import { type ContentStore, type GetOptions, requireCidV0 } from './content-store.js';
import { fetchVerified } from './gateway.js';

/** Parameters of {@link createKuboStore}. */
export interface CreateKuboStoreParameters {
  /** Kubo RPC API, e.g. `http://127.0.0.1:5001` (the localnet's IPFS server speaks the same API). */
  url: string;
  /** Headers for an authenticating proxy in front of Kubo (its RPC API has no authentication of its own). */
  headers?: Record<string, string>;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
}

/**
 * A content store backed by a Kubo node (or the localnet's Kubo-compatible server): uploads through kubo-rpc-client,
 * downloads as plain `POST /api/v0/cat` requests. Uploads force Kubo's CIDv0 settings and are checked against a locally computed CID; downloads are capped and
 * verified.
 *
 * @example
 * ```ts
 * const store = createKuboStore({ url: 'http://127.0.0.1:5001' });
 * const cid = await putJson(store, definition);
 * ```
 */
export function createKuboStore({
  url,
  headers,
  timeoutMs = 30_000,
}: CreateKuboStoreParameters): ContentStore {
  let client: Promise<import('kubo-rpc-client').KuboRPCClient> | undefined;
  const connect = () => {
    // kubo-rpc-client is heavy to import: load it when the store is first used.
    client ??= import('kubo-rpc-client').then(({ create }) =>
      create({ url, timeout: timeoutMs, ...(headers ? { headers } : {}) }),
    );
    return client;
  };
  const wrap = (error: unknown): never => {
    const status = (error as { response?: { status?: number } }).response?.status;
    const message = (error as Error).message ?? String(error);
    if (/timeout|aborted/i.test((error as Error).name ?? '') || /timed? ?out/i.test(message)) {
      throw new NosanaError(
        'CHAIN__IPFS_TIMEOUT',
        `IPFS request to ${url} timed out after ${timeoutMs} ms`,
        { url, timeoutMs },
        { cause: error },
      );
    }
    throw new NosanaError(
      'CHAIN__IPFS_UNREACHABLE',
      `the IPFS node at ${url} failed: ${message} — is it running and reachable?`,
      { url, ...(status === undefined ? {} : { status }) },
      { cause: error },
    );
  };
  return {
    name: `kubo ${url}`,
    async putBytes(bytes, options = {}) {
      const expected = await computeCid(bytes);
      const kubo = await connect();
      const added = await kubo
        .add(bytes, {
          cidVersion: 0,
          rawLeaves: false,
          chunker: `size-${KUBO_CHUNK_SIZE}`,
          pin: true,
          ...(options.signal ? { signal: options.signal } : {}),
        })
        .catch((error) => wrap(error));
      const actual = added.cid.toString();
      if (actual !== expected) {
        throw new NosanaError(
          'CHAIN__IPFS_CID_MISMATCH',
          `${url} stored the content as ${actual}, but its Kubo CIDv0 is ${expected} — check the node's import settings`,
          {
            expected,
            actual,
            url,
          },
        );
      }
      return actual;
    },
    getBytes(cid: CidV0, options: GetOptions = {}) {
      requireCidV0(cid);
      // A plain request: reading does not need kubo-rpc-client, which costs a command ~0.3 s to import.
      return fetchVerified({
        cid,
        source: url,
        url: `${url.replace(/\/+$/, '')}/api/v0/cat?arg=${cid}`,
        init: { method: 'POST', ...(headers ? { headers } : {}) },
        timeoutMs,
        ...options,
      });
    },
  };
}
