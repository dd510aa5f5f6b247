/**
 * Byte-exact codecs of the Nosana program accounts (Borsh, after the 8-byte Anchor discriminator); those of the
 * Rewards and Pools programs are in `rewards-accounts.ts`, re-exported here.
 * Offsets are those of the real programs; `accounts.test.ts` checks them against a hand-built byte table
 * and against Anchor's `BorshCoder` driven by the IDL.
 */

import { NosanaError } from '@nosana/core';
import type { PublicKey } from '@solana/web3.js';
import '../errors.js';
import {
  ACCOUNT_DISCRIMINATORS,
  checkDiscriminator,
  i64,
  key,
  setU128,
  u128,
  view,
} from './account-bytes.js';
import { ACCOUNT_DATA_LENGTH, ACCOUNT_SPACE, MARKET_QUEUE_CAPACITY, OFFSETS } from './constants.js';

export { ACCOUNT_DISCRIMINATORS, isAccountOf, type NosanaAccountName } from './account-bytes.js';
export * from './rewards-accounts.js';

/** A market: price, timeouts, access rules and the queue of waiting jobs or nodes. */
export interface MarketAccount {
  authority: PublicKey;
  /** Seconds after a job ends before anyone may `clean` it. */
  jobExpiration: number;
  /** NOS base units per second. */
  jobPrice: bigint;
  /** Advisory default timeout in seconds (not enforced by the program). */
  jobTimeout: number;
  jobType: number;
  vault: PublicKey;
  vaultBump: number;
  /** Collection a node's access NFT must belong to; the system program id means open to everyone. */
  nodeAccessKey: PublicKey;
  /** xNOS a node must have staked to work. */
  nodeXnosMinimum: bigint;
  queueType: number;
  /** Jobs (queueType Job) or nodes (queueType Node) waiting, first in first out. */
  queue: PublicKey[];
}

/** A job: its definition and result (IPFS digests), escrow price, owner and timing. */
export interface JobAccount {
  /** sha2-256 digest of the job definition's CIDv0. */
  ipfsJob: Uint8Array;
  /** sha2-256 digest of the result's CIDv0; all zeros until finished. */
  ipfsResult: Uint8Array;
  market: PublicKey;
  /** The node that finished or was ended (the running node is only in the Run account). */
  node: PublicKey;
  payer: PublicKey;
  /** NOS base units per second, copied from the market at list time. */
  price: bigint;
  /** The job owner (signer of `list`). */
  project: PublicKey;
  /** 0 queued (or running when a Run account exists), 2 done, 3 stopped. */
  state: number;
  timeEnd: number;
  timeStart: number;
  /** Maximum billable duration in seconds. */
  timeout: number;
}

/** A match between a job and a node; its existence means the job is running. */
export interface RunAccount {
  job: PublicKey;
  node: PublicKey;
  payer: PublicKey;
  state: number;
  /** Unix seconds the run started. */
  time: number;
}

/** A staking position (`["stake", mint, authority]`); `work` requires it to exist. */
export interface StakeAccount {
  amount: bigint;
  authority: PublicKey;
  /** Lock duration in seconds. */
  duration: number;
  timeUnstake: number;
  vault: PublicKey;
  vaultBump: number;
  xnos: bigint;
}

/**
 * Decodes a Market account.
 *
 * @example
 * ```ts
 * const market = decodeMarketAccount((await connection.getAccountInfo(address))!.data);
 * ```
 */
export function decodeMarketAccount(data: Uint8Array): MarketAccount {
  checkDiscriminator('MarketAccount', data, ACCOUNT_DATA_LENGTH.MarketAccount);
  const v = view(data);
  const o = OFFSETS.market;
  const length = v.getUint32(o.queueLength, true);
  if (o.queue + length * 32 > data.length) {
    throw new NosanaError(
      'CHAIN__ACCOUNT_INVALID',
      `the MarketAccount queue claims ${length} entries, more than the account holds`,
      {
        account: 'MarketAccount',
      },
    );
  }
  return {
    authority: key(data, o.authority),
    jobExpiration: i64(v, o.jobExpiration),
    jobPrice: v.getBigUint64(o.jobPrice, true),
    jobTimeout: i64(v, o.jobTimeout),
    jobType: v.getUint8(o.jobType),
    vault: key(data, o.vault),
    vaultBump: v.getUint8(o.vaultBump),
    nodeAccessKey: key(data, o.nodeAccessKey),
    nodeXnosMinimum: u128(v, o.nodeXnosMinimum),
    queueType: v.getUint8(o.queueType),
    queue: Array.from({ length }, (_, i) => key(data, o.queue + i * 32)),
  };
}

/**
 * Encodes a Market account into `space` bytes (default: the program's allocation).
 *
 * @example
 * ```ts
 * const data = encodeMarketAccount({ ...market, queue: [...market.queue, node] });
 * ```
 */
export function encodeMarketAccount(
  market: MarketAccount,
  space: number = ACCOUNT_SPACE.MarketAccount,
): Uint8Array {
  if (market.queue.length > MARKET_QUEUE_CAPACITY) {
    throw new NosanaError(
      'CHAIN__ACCOUNT_INVALID',
      `a market queue holds at most ${MARKET_QUEUE_CAPACITY} entries`,
      {
        account: 'MarketAccount',
      },
    );
  }
  const o = OFFSETS.market;
  const data = new Uint8Array(Math.max(space, o.queue + market.queue.length * 32));
  const v = view(data);
  data.set(ACCOUNT_DISCRIMINATORS.MarketAccount, 0);
  data.set(market.authority.toBytes(), o.authority);
  v.setBigInt64(o.jobExpiration, BigInt(market.jobExpiration), true);
  v.setBigUint64(o.jobPrice, market.jobPrice, true);
  v.setBigInt64(o.jobTimeout, BigInt(market.jobTimeout), true);
  v.setUint8(o.jobType, market.jobType);
  data.set(market.vault.toBytes(), o.vault);
  v.setUint8(o.vaultBump, market.vaultBump);
  data.set(market.nodeAccessKey.toBytes(), o.nodeAccessKey);
  setU128(v, o.nodeXnosMinimum, market.nodeXnosMinimum);
  v.setUint8(o.queueType, market.queueType);
  v.setUint32(o.queueLength, market.queue.length, true);
  for (const [i, entry] of market.queue.entries()) data.set(entry.toBytes(), o.queue + i * 32);
  return data;
}

/**
 * Decodes a Job account.
 *
 * @example
 * ```ts
 * const job = decodeJobAccount(info.data); bytes32ToCid(job.ipfsJob);
 * ```
 */
export function decodeJobAccount(data: Uint8Array): JobAccount {
  checkDiscriminator('JobAccount', data, ACCOUNT_DATA_LENGTH.JobAccount);
  const v = view(data);
  const o = OFFSETS.job;
  return {
    ipfsJob: new Uint8Array(data.subarray(o.ipfsJob, o.ipfsJob + 32)),
    ipfsResult: new Uint8Array(data.subarray(o.ipfsResult, o.ipfsResult + 32)),
    market: key(data, o.market),
    node: key(data, o.node),
    payer: key(data, o.payer),
    price: v.getBigUint64(o.price, true),
    project: key(data, o.project),
    state: v.getUint8(o.state),
    timeEnd: i64(v, o.timeEnd),
    timeStart: i64(v, o.timeStart),
    timeout: i64(v, o.timeout),
  };
}

/** Encodes a Job account (see {@link decodeJobAccount}). */
export function encodeJobAccount(job: JobAccount, space: number = ACCOUNT_SPACE.JobAccount): Uint8Array {
  const o = OFFSETS.job;
  const data = new Uint8Array(Math.max(space, 233));
  const v = view(data);
  data.set(ACCOUNT_DISCRIMINATORS.JobAccount, 0);
  data.set(job.ipfsJob, o.ipfsJob);
  data.set(job.ipfsResult, o.ipfsResult);
  data.set(job.market.toBytes(), o.market);
  data.set(job.node.toBytes(), o.node);
  data.set(job.payer.toBytes(), o.payer);
  v.setBigUint64(o.price, job.price, true);
  data.set(job.project.toBytes(), o.project);
  v.setUint8(o.state, job.state);
  v.setBigInt64(o.timeEnd, BigInt(job.timeEnd), true);
  v.setBigInt64(o.timeStart, BigInt(job.timeStart), true);
  v.setBigInt64(o.timeout, BigInt(job.timeout), true);
  return data;
}

/** Decodes a Run account. */
export function decodeRunAccount(data: Uint8Array): RunAccount {
  checkDiscriminator('RunAccount', data, ACCOUNT_DATA_LENGTH.RunAccount);
  const v = view(data);
  const o = OFFSETS.run;
  return {
    job: key(data, o.job),
    node: key(data, o.node),
    payer: key(data, o.payer),
    state: v.getUint8(o.state),
    time: i64(v, o.time),
  };
}

/** Encodes a Run account (see {@link decodeRunAccount}). */
export function encodeRunAccount(run: RunAccount, space: number = ACCOUNT_SPACE.RunAccount): Uint8Array {
  const o = OFFSETS.run;
  const data = new Uint8Array(Math.max(space, 113));
  const v = view(data);
  data.set(ACCOUNT_DISCRIMINATORS.RunAccount, 0);
  data.set(run.job.toBytes(), o.job);
  data.set(run.node.toBytes(), o.node);
  data.set(run.payer.toBytes(), o.payer);
  v.setUint8(o.state, run.state);
  v.setBigInt64(o.time, BigInt(run.time), true);
  return data;
}

/** Decodes a Stake account. */
export function decodeStakeAccount(data: Uint8Array): StakeAccount {
  checkDiscriminator('StakeAccount', data, ACCOUNT_DATA_LENGTH.StakeAccount);
  const v = view(data);
  const o = OFFSETS.stake;
  return {
    amount: v.getBigUint64(o.amount, true),
    authority: key(data, o.authority),
    duration: Number(v.getBigUint64(o.duration, true)),
    timeUnstake: i64(v, o.timeUnstake),
    vault: key(data, o.vault),
    vaultBump: v.getUint8(o.vaultBump),
    xnos: u128(v, o.xnos),
  };
}

/** Encodes a Stake account (see {@link decodeStakeAccount}). */
export function encodeStakeAccount(
  stake: StakeAccount,
  space: number = ACCOUNT_SPACE.StakeAccount,
): Uint8Array {
  const o = OFFSETS.stake;
  const data = new Uint8Array(Math.max(space, 113));
  const v = view(data);
  data.set(ACCOUNT_DISCRIMINATORS.StakeAccount, 0);
  v.setBigUint64(o.amount, stake.amount, true);
  data.set(stake.authority.toBytes(), o.authority);
  v.setBigUint64(o.duration, BigInt(stake.duration), true);
  v.setBigInt64(o.timeUnstake, BigInt(stake.timeUnstake), true);
  data.set(stake.vault.toBytes(), o.vault);
  v.setUint8(o.vaultBump, stake.vaultBump);
  setU128(v, o.xnos, stake.xnos);
  return data;
}

/** Staking constants of the program: xNOS = amount × (1 + duration / (4 months)), duration 14–365 days. */
export const STAKING = {
  durationMin: 14 * 86_400,
  durationMax: 365 * 86_400,
  xnosPrecision: 10n ** 15n,
  xnosDiv: (4n * 365n * 86_400n) / 12n,
} as const;

/**
 * The xNOS of a stake, as the Staking program computes it (0 once unstaking started).
 *
 * @example
 * ```ts
 * stakeXnos({ amount: 1_000_000n, duration: 365 * 86_400, timeUnstake: 0 }); // 4_000_000n
 * ```
 */
export function stakeXnos({
  amount,
  duration,
  timeUnstake,
}: Pick<StakeAccount, 'amount' | 'duration' | 'timeUnstake'>): bigint {
  if (timeUnstake !== 0) return 0n;
  return (
    (((BigInt(duration) * STAKING.xnosPrecision) / STAKING.xnosDiv + STAKING.xnosPrecision) * amount) /
    STAKING.xnosPrecision
  );
}
