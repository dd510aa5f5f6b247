/** Error codes of the chain client. */
declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** The RPC endpoint could not be reached or answered an error. */
    CHAIN__RPC_UNREACHABLE: { url: string };
    /** A transaction did not confirm before its blockhash expired (it can no longer land). */
    CHAIN__TRANSACTION_EXPIRED: { signature: string };
    /** A transaction was processed but failed (not a program error). */
    CHAIN__TRANSACTION_FAILED: { signature?: string; error: string; logs?: string[] };
    /** The wallet file cannot be read or created. */
    CHAIN__WALLET_UNREADABLE: { path: string };
    /** The wallet file does not hold a Solana keypair. */
    CHAIN__WALLET_INVALID: { path: string };
    /** Not enough SOL for fees and rent. */
    CHAIN__INSUFFICIENT_SOL: { address: string; required: string; available: string };
    /** Not enough NOS for the deposit. */
    CHAIN__INSUFFICIENT_NOS: { address: string; required: string; available: string };
    /** No job account at the address. */
    CHAIN__JOB_NOT_FOUND: { address: string };
    /** No market at the address (or no market with that name). */
    CHAIN__MARKET_NOT_FOUND: { market: string };
    /** The job is not in a state that allows the operation. */
    CHAIN__JOB_STATE: { address: string; state: string; operation: string };
    /** The network has no faucet for this token (NOS only on localnet; SOL on localnet and devnet). */
    CHAIN__AIRDROP_UNAVAILABLE: { network: string; token: 'SOL' | 'NOS' };
    /** An unknown network name. */
    CHAIN__NETWORK_UNKNOWN: { network: string };
    /** A setting given to `markets.open` or `markets.update` is missing or out of range (nothing was sent). */
    CHAIN__MARKET_PARAMETER_INVALID: { operation: 'open' | 'update'; field: string; value: string };
    /** The wallet is not the market's authority, which the program requires (nothing was sent). */
    CHAIN__NOT_MARKET_AUTHORITY: {
      market: string;
      authority: string;
      wallet: string;
      operation: 'update' | 'close';
    };
    /**
     * The market still has jobs or nodes queued, jobs open (queued, running or stopped, whose deposits sit in its
     * vault) or NOS in its vault: closing would sweep that NOS to the authority and strand the jobs (nothing was sent).
     */
    CHAIN__MARKET_NOT_EMPTY: {
      market: string;
      queueKind: 'jobs' | 'nodes' | 'empty';
      queued: number;
      openJobs: number;
      /** NOS base units in the vault. */
      vault: string;
    };
  }
}

export {};
