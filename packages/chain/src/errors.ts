/**
 * Every error code of `@nosana/chain` (append-only): the client's, the protocol layer's (including the program
 * errors `CHAIN__PROGRAM_<NAME>`) and the IPFS clients'. Each module that throws imports this file for its types.
 */

/** Context of an error returned by an on-chain program. */
export interface ProgramErrorContext {
  /** Program that failed (base58). */
  program?: string;
  /** Anchor error name, e.g. `JobInWrongState`. */
  errorName: string;
  /** Anchor error number, e.g. 6004. */
  errorNumber: number;
  /** Index of the failing instruction in the transaction. */
  instruction?: number;
  /** Program logs of the failed transaction. */
  logs?: string[];
}

declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    // ---- client
    /**
     * A read of the chain could not reach the RPC endpoint (connection refused, DNS, timeout, fetch failed) or it
     * answered an HTTP error.
     */
    CHAIN__RPC_UNREACHABLE: { url: string };
    /** A read answered a JSON-RPC error (an unknown method, bad parameters, a node that is behind). */
    CHAIN__RPC_ERROR: { url: string; method: string; error: string };
    /** `@nosana/chain/lite` cannot do this read (e.g. verify content over one chunk): use the client. */
    CHAIN__LITE_UNSUPPORTED: { what: string };
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
    /** A market directory could not be read: unreachable URL, HTTP error, too large, not JSON or not a list. */
    CHAIN__MARKET_DIRECTORY_UNREADABLE: { source: string; reason: string };
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
    /**
     * The market's queue holds as many jobs (or nodes) as its account has room for: a job cannot be listed (or a
     * node join) until one leaves. Before sending, nothing was sent or pinned.
     */
    CHAIN__MARKET_QUEUE_FULL: { market: string; queueKind: 'jobs' | 'nodes'; capacity: number };
    /** A Run account the operation needs is gone (the run was finished, quit or ended meanwhile). */
    CHAIN__RUN_NOT_FOUND: { address: string; operation: string };
    /** A localnet-only JSON-RPC method (`localnet_*`) answered an error. */
    CHAIN__LOCALNET_RPC_FAILED: { method: string; url: string; error: string };
    /** `waitUntil` gave up: its condition did not hold within `timeoutMs`. */
    CHAIN__WAIT_TIMEOUT: { timeoutMs: number };
    /** The authority has no stake account (nothing was sent). */
    CHAIN__STAKE_NOT_FOUND: { address: string; authority: string; operation: string };
    /** `staking.create` for an authority that already has a stake account (nothing was sent). */
    CHAIN__STAKE_EXISTS: { address: string; authority: string };
    /** An amount or duration given to a staking operation is out of the program's bounds (nothing was sent). */
    CHAIN__STAKE_PARAMETER_INVALID: { operation: string; field: string; value: string };
    /**
     * The stake is not in the status the operation needs, e.g. `unstake` of a stake already unstaking, `topup` or
     * `extend` of an unstaked stake, `restake`/`withdraw` of a staked one (nothing was sent).
     */
    CHAIN__STAKE_STATE: { address: string; status: string; operation: string };
    /**
     * Nothing of the stake is released yet (`withdraw`), or not all of it (`close`); `unlocksAt` is the unix time
     * from which everything is released (nothing was sent).
     */
    CHAIN__STAKE_LOCKED: { address: string; operation: string; unlocksAt: number; withdrawable: string };
    /** `withdraw` of a stake whose vault is already empty: close it instead (nothing was sent). */
    CHAIN__STAKE_EMPTY: { address: string };
    /** A rewards operation of a wallet that has not entered the rewards (no reward account; nothing was sent). */
    CHAIN__REWARDS_NOT_ENTERED: { authority: string; reward: string; operation: string };
    /** `rewards.enter` of a wallet that has entered already (nothing was sent). */
    CHAIN__REWARDS_ENTERED: { authority: string; reward: string };
    /** `rewards.claim` with nothing pending, pools' releases included (nothing was sent). */
    CHAIN__REWARDS_NOTHING_PENDING: { authority: string; reward: string };
    // ---- protocol
    /** Account data is not the expected Nosana account (wrong discriminator or too short). */
    CHAIN__ACCOUNT_INVALID: { account: string; address?: string };
    /** An instruction's arguments or accounts are missing or malformed. */
    CHAIN__INSTRUCTION_INVALID: { instruction: string; field?: string };
    /** Instruction data does not start with a known discriminator. */
    CHAIN__INSTRUCTION_UNKNOWN: { discriminator: string };
    /** A Nosana or Anchor program rejected a transaction: `CHAIN__PROGRAM_<ERROR_NAME>`. */
    [code: `CHAIN__PROGRAM_${string}`]: ProgramErrorContext;
    // ---- IPFS
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
