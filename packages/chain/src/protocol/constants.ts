/**
 * The Nosana programs' constants, in one place for the client, the localnet's emulated programs and tests:
 * account sizes and field offsets, the values of the state and type bytes, and the fixed values the real node
 * software uses. No I/O.
 */
import { ON_CHAIN_JOB_STATE } from '@nosana/core';

/** Maximum number of entries in a market queue (the account is allocated for 314). */
export const MARKET_QUEUE_CAPACITY = 314;

/**
 * Bytes allocated for each account: `8 + size_of::<T>()` as the program computes it on Solana's SBF target,
 * where `u128` is 8-byte aligned (its data layout has no `i128` entry, so Rust aligns it like `u64`): the
 * Market struct's 163 bytes of fields pad to 168 (queue `Vec` counted as 24) and the Reflection struct's 81 to 88.
 * Clients should still filter program accounts by discriminator rather than by size.
 */
export const ACCOUNT_SPACE = {
  MarketAccount: 8 + 168 + 32 * MARKET_QUEUE_CAPACITY,
  JobAccount: 8 + 232,
  RunAccount: 8 + 112,
  StakeAccount: 8 + 112,
  ReflectionAccount: 8 + 88,
  RewardAccount: 8 + 72,
  PoolAccount: 8 + 128,
} as const;

/** Byte offsets of the fields clients filter on with `memcmp`. */
export const OFFSETS = {
  job: {
    ipfsJob: 8,
    ipfsResult: 40,
    market: 72,
    node: 104,
    payer: 136,
    price: 168,
    project: 176,
    state: 208,
    timeEnd: 209,
    timeStart: 217,
    timeout: 225,
  },
  market: {
    authority: 8,
    jobExpiration: 40,
    jobPrice: 48,
    jobTimeout: 56,
    jobType: 64,
    vault: 65,
    vaultBump: 97,
    nodeAccessKey: 98,
    nodeXnosMinimum: 130,
    queueType: 146,
    queueLength: 147,
    queue: 151,
  },
  run: { job: 8, node: 40, payer: 72, state: 104, time: 105 },
  stake: { amount: 8, authority: 16, duration: 48, timeUnstake: 56, vault: 64, vaultBump: 96, xnos: 97 },
  reflection: { rate: 8, totalReflection: 24, totalXnos: 40, vault: 56, vaultBump: 88 },
  reward: { authority: 8, bump: 40, reflection: 41, xnos: 57 },
  pool: {
    authority: 8,
    beneficiary: 40,
    claimType: 72,
    claimedTokens: 73,
    closeable: 81,
    emission: 82,
    startTime: 90,
    vault: 98,
    vaultBump: 130,
  },
} as const;

/**
 * The fewest bytes an account's data can have and still be decoded: the discriminator and every serialized field
 * (Borsh, no padding; a market with an empty queue). Shorter data is not that account.
 */
export const ACCOUNT_DATA_LENGTH = {
  MarketAccount: OFFSETS.market.queue,
  JobAccount: OFFSETS.job.timeout + 8,
  RunAccount: OFFSETS.run.time + 8,
  StakeAccount: OFFSETS.stake.xnos + 16,
  ReflectionAccount: OFFSETS.reflection.vaultBump + 1,
  RewardAccount: OFFSETS.reward.xnos + 16,
  PoolAccount: OFFSETS.pool.vaultBump + 1,
} as const;

/**
 * The `state` byte of a Job account. RUNNING is not stored: a job is running while a Run account points at it
 * (its state byte stays `Queued`, or `Stopped` for a job another node `claim`ed). 1 is never stored.
 */
export const JobAccountState = {
  Queued: ON_CHAIN_JOB_STATE.QUEUED,
  Done: ON_CHAIN_JOB_STATE.DONE,
  Stopped: ON_CHAIN_JOB_STATE.STOPPED,
} as const;
export type JobAccountState = (typeof JobAccountState)[keyof typeof JobAccountState];

/** The `state` byte of a Run account (always 0: the program never changes it). */
export const RunAccountState = { Running: 0 } as const;

/** `queue_type` of a market: which side is waiting. */
export const QueueType = { Job: 0, Node: 1, Empty: 255 } as const;
export type QueueType = (typeof QueueType)[keyof typeof QueueType];

/** `job_type` of a market. */
export const JobType = { Default: 0, Small: 1, Medium: 2, Large: 3, Gpu: 4, Unknown: 255 } as const;
export type JobType = (typeof JobType)[keyof typeof JobType];

/** The stake the real node software creates before it works (`prepare`): 0 NOS locked for 14 days. */
export const NODE_STAKE = { amount: 0, durationSeconds: 14 * 86_400 } as const;

/** Lamports kept aside for transaction fees when checking a wallet's SOL before sending (ten signatures' fees). */
export const FEE_RESERVE_LAMPORTS = 50_000n;
