/** Error codes of @nosana/localnet: the one declaration of the package's codes (append-only). */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** Another localnet process uses the data directory. */
    LOCALNET__ALREADY_RUNNING: { dataDir: string; pid: number };
    /** The RPC or IPFS port is taken. */
    LOCALNET__PORT_IN_USE: { port: number };
    /** A genesis transaction failed (a bug: please report it). */
    LOCALNET__GENESIS_FAILED: { error: string };
    /** A faucet request is outside the allowed amounts. */
    LOCALNET__FAUCET_LIMIT: { amount: string };
    /** No localnet answers where one was expected. */
    LOCALNET__NOT_RUNNING: { url?: string; dataDir?: string };
    /** A stored block does not hash to its CID: the store's files were corrupted. */
    LOCALNET__IPFS_CORRUPT_BLOCK: { cid: string };
    /** The CID is not in the store. */
    LOCALNET__IPFS_NOT_FOUND: { cid: string };
    /** A path or CID argument is malformed, an unsupported option was asked for, or a body is not valid multipart. */
    LOCALNET__IPFS_BAD_REQUEST: { argument: string };
    /** An IPFS API request body is larger than the server's limit (`maxIpfsBodyBytes`). */
    LOCALNET__IPFS_BODY_TOO_LARGE: { limit: number };
    /** A server could not listen for another reason than a taken port (host not local, privileged port). */
    LOCALNET__LISTEN_FAILED: { host: string; port: number };
    /** litesvm refused an airdrop (a bug: please report it). */
    LOCALNET__AIRDROP_FAILED: { address: string; error: string };
    /** No genesis market has that name (`setRequiredImages`). */
    LOCALNET__MARKET_NOT_FOUND: { market: string; known: string[] };
    /** A genesis setting (rewards emission, pool funding, job fee fraction) is out of range. */
    LOCALNET__GENESIS_SETTING_INVALID: { setting: string; value: string };
  }
}

export {};
