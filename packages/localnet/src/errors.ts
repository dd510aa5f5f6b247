/** Error codes of @nosana/localnet. */
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
  }
}

export {};
