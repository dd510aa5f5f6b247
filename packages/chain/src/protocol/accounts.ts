/**
 * Byte-exact codecs of the Nosana program accounts (Borsh, after the 8-byte Anchor discriminator); those of the
 * Rewards and Pools programs are in `rewards-accounts.ts`, re-exported here.
 * Offsets are those of the real programs; `accounts.test.ts` checks them against a hand-built byte table
 * and against Anchor's `BorshCoder` driven by the IDL.
 */

import { NosanaError } from '@nosana/core';
import type { PublicKey } from '@solana/web3.js';
import '../errors.js';
import { ACCOUNT_DISCRIMINATORS, checkDiscriminator, i64, setU128, u128, view } from './account-bytes.js';
import {
  decodeJobFields,
  decodeMarketFields,
  decodeRunFields,
  type JobAccount,
  type MarketAccount,
  type RunAccount,
} from './account-fields.js';
import { ACCOUNT_DATA_LENGTH, ACCOUNT_SPACE, MARKET_QUEUE_CAPACITY, OFFSETS } from './constants.js';
import { publicKeyAt as key } from './public-key-at.js';

export {
  ACCOUNT_DISCRIMINATORS,
  isAccountOf,
  type KeyAt,
  type NosanaAccountName,
} from './account-bytes.js';
export * from './account-fields.js';
export { publicKeyAt } from './public-key-at.js';
export * from './rewards-accounts.js';

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
export const decodeMarketAccount = (data: Uint8Array): MarketAccount => decodeMarketFields(data, key);

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
export const decodeJobAccount = (data: Uint8Array): JobAccount => decodeJobFields(data, key);

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
export const decodeRunAccount = (data: Uint8Array): RunAccount => decodeRunFields(data, key);

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
