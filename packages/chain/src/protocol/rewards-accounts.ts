/**
 * Byte-exact codecs of the Rewards and Pools program accounts: the fee reflection, a staker's reward account and a
 * pool (Borsh, after the 8-byte Anchor discriminator; offsets of the real programs, checked in `accounts.test.ts`).
 */

import type { PublicKey } from '@solana/web3.js';
import { ACCOUNT_DISCRIMINATORS, checkDiscriminator, i64, setU128, u128, view } from './account-bytes.js';
import { ACCOUNT_DATA_LENGTH, ACCOUNT_SPACE, OFFSETS } from './constants.js';
import { publicKeyAt as key } from './public-key-at.js';

/** The rewards program's fee reflection pool (`["reflection"]`). */
export interface ReflectionAccount {
  rate: bigint;
  totalReflection: bigint;
  totalXnos: bigint;
  vault: PublicKey;
  vaultBump: number;
}

/** A staker's share of the fee reflection (`["reward", authority]`): its reflection points and the xNOS entered. */
export interface RewardAccount {
  authority: PublicKey;
  bump: number;
  reflection: bigint;
  xnos: bigint;
}

/** How a pool releases its emission: transferred to a beneficiary, or added as a rewards fee. */
export const POOL_CLAIM_TYPE = { transfer: 0, addFee: 1 } as const;

/** A Pools program pool: `emission` NOS base units per second from `startTime`, released from `vault`. */
export interface PoolAccount {
  authority: PublicKey;
  /** A token account; for an add-fee pool, the Rewards vault. */
  beneficiary: PublicKey;
  claimType: number;
  claimedTokens: bigint;
  closeable: boolean;
  emission: bigint;
  startTime: number;
  vault: PublicKey;
  vaultBump: number;
}

/** Decodes the rewards Reflection account. */
export function decodeReflectionAccount(data: Uint8Array): ReflectionAccount {
  checkDiscriminator('ReflectionAccount', data, ACCOUNT_DATA_LENGTH.ReflectionAccount);
  const v = view(data);
  const o = OFFSETS.reflection;
  return {
    rate: u128(v, o.rate),
    totalReflection: u128(v, o.totalReflection),
    totalXnos: u128(v, o.totalXnos),
    vault: key(data, o.vault),
    vaultBump: v.getUint8(o.vaultBump),
  };
}

/** Encodes the rewards Reflection account (see {@link decodeReflectionAccount}). */
export function encodeReflectionAccount(
  reflection: ReflectionAccount,
  space: number = ACCOUNT_SPACE.ReflectionAccount,
): Uint8Array {
  const o = OFFSETS.reflection;
  const data = new Uint8Array(Math.max(space, 89));
  const v = view(data);
  data.set(ACCOUNT_DISCRIMINATORS.ReflectionAccount, 0);
  setU128(v, o.rate, reflection.rate);
  setU128(v, o.totalReflection, reflection.totalReflection);
  setU128(v, o.totalXnos, reflection.totalXnos);
  data.set(reflection.vault.toBytes(), o.vault);
  v.setUint8(o.vaultBump, reflection.vaultBump);
  return data;
}

/** Decodes a Rewards program reward account. */
export function decodeRewardAccount(data: Uint8Array): RewardAccount {
  checkDiscriminator('RewardAccount', data, ACCOUNT_DATA_LENGTH.RewardAccount);
  const v = view(data);
  const o = OFFSETS.reward;
  return {
    authority: key(data, o.authority),
    bump: v.getUint8(o.bump),
    reflection: u128(v, o.reflection),
    xnos: u128(v, o.xnos),
  };
}

/** Encodes a reward account (see {@link decodeRewardAccount}). */
export function encodeRewardAccount(
  reward: RewardAccount,
  space: number = ACCOUNT_SPACE.RewardAccount,
): Uint8Array {
  const o = OFFSETS.reward;
  const data = new Uint8Array(Math.max(space, ACCOUNT_DATA_LENGTH.RewardAccount));
  const v = view(data);
  data.set(ACCOUNT_DISCRIMINATORS.RewardAccount, 0);
  data.set(reward.authority.toBytes(), o.authority);
  v.setUint8(o.bump, reward.bump);
  setU128(v, o.reflection, reward.reflection);
  setU128(v, o.xnos, reward.xnos);
  return data;
}

/** Decodes a Pools program pool account. */
export function decodePoolAccount(data: Uint8Array): PoolAccount {
  checkDiscriminator('PoolAccount', data, ACCOUNT_DATA_LENGTH.PoolAccount);
  const v = view(data);
  const o = OFFSETS.pool;
  return {
    authority: key(data, o.authority),
    beneficiary: key(data, o.beneficiary),
    claimType: v.getUint8(o.claimType),
    claimedTokens: v.getBigUint64(o.claimedTokens, true),
    closeable: v.getUint8(o.closeable) !== 0,
    emission: v.getBigUint64(o.emission, true),
    startTime: i64(v, o.startTime),
    vault: key(data, o.vault),
    vaultBump: v.getUint8(o.vaultBump),
  };
}

/** Encodes a pool account (see {@link decodePoolAccount}). */
export function encodePoolAccount(pool: PoolAccount, space: number = ACCOUNT_SPACE.PoolAccount): Uint8Array {
  const o = OFFSETS.pool;
  const data = new Uint8Array(Math.max(space, ACCOUNT_DATA_LENGTH.PoolAccount));
  const v = view(data);
  data.set(ACCOUNT_DISCRIMINATORS.PoolAccount, 0);
  data.set(pool.authority.toBytes(), o.authority);
  data.set(pool.beneficiary.toBytes(), o.beneficiary);
  v.setUint8(o.claimType, pool.claimType);
  v.setBigUint64(o.claimedTokens, pool.claimedTokens, true);
  v.setUint8(o.closeable, pool.closeable ? 1 : 0);
  v.setBigUint64(o.emission, pool.emission, true);
  v.setBigInt64(o.startTime, BigInt(pool.startTime), true);
  data.set(pool.vault.toBytes(), o.vault);
  v.setUint8(o.vaultBump, pool.vaultBump);
  return data;
}
