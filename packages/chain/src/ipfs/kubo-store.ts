import { type CidV0, NosanaError } from '@nosana/core';
import { computeCid, KUBO_CHUNK_SIZE } from './cid.js';
import { type ContentStore, type GetOptions, requireCidV0 } from './content-store.js';
import { fetchVerified } from './gateway.js';
import { kuboAdd } from './kubo-add.js';

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
 * A content store backed by a Kubo node (or the localnet's Kubo-compatible server): uploads as one multipart
 * `POST /api/v0/add` ({@link kuboAdd}), downloads as plain `POST /api/v0/cat` requests. Uploads force Kubo's CIDv0 settings and are checked against a locally computed CID; downloads are capped and
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
  return {
    name: `kubo ${url}`,
    async putBytes(bytes, options = {}) {
      const expected = await computeCid(bytes);
      const added = await kuboAdd({
        url,
        bytes,
        query: {
          'cid-version': '0',
          'raw-leaves': 'false',
          chunker: `size-${KUBO_CHUNK_SIZE}`,
          pin: 'true',
        },
        timeoutMs,
        ...(headers ? { headers } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const actual = added.Hash;
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
      // A plain request, capped and verified as it streams in.
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
