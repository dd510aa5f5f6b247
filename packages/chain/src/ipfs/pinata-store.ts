import { NosanaError } from '@nosana/core';
import { computeCid } from './cid.js';
import type { ContentStore } from './content-store.js';
import { fetchFromGateway } from './gateway.js';

/** Parameters of {@link createPinataStore}. */
export interface CreatePinataStoreParameters {
  /** A Pinata API JWT. Never logged. */
  jwt: string;
  /** Default `https://api.pinata.cloud`. */
  apiUrl?: string;
  /** Gateway used for reads, e.g. `https://<name>.mypinata.cloud`. Default `https://gateway.pinata.cloud`. */
  gateway?: string;
  /** Default 60 s. */
  timeoutMs?: number;
}

/**
 * A content store that pins with Pinata's pinning API (our canonical bytes as a file, CIDv0) and reads through a
 * gateway. The CID Pinata returns must equal the locally computed one.
 *
 * @example
 * ```ts
 * const store = createPinataStore({ jwt: process.env.PINATA_JWT!, gateway: 'https://nosana.mypinata.cloud' });
 * ```
 */
export function createPinataStore({
  jwt,
  apiUrl = 'https://api.pinata.cloud',
  gateway = 'https://gateway.pinata.cloud',
  timeoutMs = 60_000,
}: CreatePinataStoreParameters): ContentStore {
  const endpoint = `${apiUrl.replace(/\/+$/, '')}/pinning/pinFileToIPFS`;
  return {
    name: `pinata ${apiUrl}`,
    async putBytes(bytes, options = {}) {
      const expected = await computeCid(bytes);
      const form = new FormData();
      form.append('file', new Blob([bytes], { type: 'application/json' }), `${expected}.json`);
      form.append('pinataOptions', JSON.stringify({ cidVersion: 0 }));
      form.append('pinataMetadata', JSON.stringify({ name: expected }));
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${jwt}` },
          body: form,
          signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
        });
      } catch (cause) {
        if (timeout.aborted)
          throw new NosanaError(
            'CHAIN__IPFS_TIMEOUT',
            `Pinata did not answer within ${timeoutMs} ms`,
            { url: endpoint, timeoutMs },
            { cause },
          );
        throw new NosanaError(
          'CHAIN__IPFS_UNREACHABLE',
          `cannot reach Pinata at ${apiUrl}: ${(cause as Error).message}`,
          { url: endpoint },
          { cause },
        );
      }
      if (!response.ok) {
        const hint = response.status === 401 || response.status === 403 ? ' — check the Pinata JWT' : '';
        throw new NosanaError(
          'CHAIN__IPFS_UNREACHABLE',
          `Pinata refused the upload (${response.status})${hint}`,
          { url: endpoint, status: response.status },
        );
      }
      const { IpfsHash: actual } = (await response.json()) as { IpfsHash?: string };
      if (actual !== expected) {
        throw new NosanaError(
          'CHAIN__IPFS_CID_MISMATCH',
          `Pinata stored the content as ${actual}, but its CIDv0 is ${expected}`,
          {
            expected,
            actual: String(actual),
            url: endpoint,
          },
        );
      }
      return expected;
    },
    getBytes(cid, options = {}) {
      return fetchFromGateway({ gateway, cid, timeoutMs, ...options });
    },
  };
}
