/** Error codes of the IPFS clients. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** The IPFS node, pinning service or gateway could not be reached or answered an error. */
    CHAIN__IPFS_UNREACHABLE: { url: string; status?: number };
    /** The content is not available there. */
    CHAIN__IPFS_NOT_FOUND: { cid: string; url: string };
    /** A service returned a CID (or bytes) that do not match what was computed locally. */
    CHAIN__IPFS_CID_MISMATCH: { expected: string; actual: string; url: string };
    /** The content is larger than the caller allows. */
    CHAIN__IPFS_TOO_LARGE: { cid: string; maxBytes: number };
    /** The request took longer than the caller allows. */
    CHAIN__IPFS_TIMEOUT: { url: string; timeoutMs: number };
    /** The content is not the JSON the caller expected. */
    CHAIN__IPFS_INVALID_JSON: { cid: string };
  }
}

export {};
