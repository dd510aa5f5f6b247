/**
 * Reading a staker's rewards (`client.rewards.get`): the Rewards program's reflection and the staker's reward
 * account, the add-fee pools whose emission a claim releases first, and what a claim would pay now.
 */
import type { PublicKey } from '@solana/web3.js';
import {
  decodePoolAccount,
  decodeReflectionAccount,
  decodeRewardAccount,
  decodeStakeAccount,
  POOL_CLAIM_TYPE,
  type PoolAccount,
  type ReflectionAccount,
  type RewardAccount,
} from '../protocol/accounts.js';
import { OFFSETS } from '../protocol/constants.js';
import {
  poolVaultAddress,
  rewardAddress,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  stakeAddress,
} from '../protocol/pda.js';
import { poolClaimAmount, reflectionAddFee, rewardPending } from '../protocol/rewards-math.js';
import { StakeArithmeticPanic } from '../protocol/staking-math.js';
import { tokenAccountAmount } from '../protocol/token.js';
import { discriminator, memcmp } from './context.js';
import type { StakingContext } from './staking-reads.js';

/** An add-fee pool feeding the rewards, and what it would release now. */
export interface RewardPoolView extends PoolAccount {
  address: PublicKey;
  /** NOS base units in its vault. */
  vaultBalance: bigint;
  /** NOS base units a `claim_fee` would add to the rewards now (0 below one second's emission: it waits). */
  releasable: bigint;
}

/** A staker's rewards as the client shows them. */
export interface RewardsView extends RewardAccount {
  /** The reward account (`["reward", authority]`). */
  address: PublicKey;
  /** The stake's xNOS now (`sync` or `claim` re-enter the account with it). */
  stakeXnos: bigint;
  /** NOS base units earned from fees already added (`reflection / rate - xnos`). */
  accrued: bigint;
  /** NOS base units `claim` pays now: `accrued` plus this account's share of what the pools release first. */
  pending: bigint;
  /** This account's share of every fee added from now on (its reflection points over all points). */
  share: number;
  /** The stake's xNOS differs from the xNOS entered: a `sync` would update the share. */
  needsSync: boolean;
  /** The chain time (unix seconds) `pending` was computed for. */
  asOf: number;
}

/** The add-fee pools whose beneficiary is the rewards vault (the ones a claim releases first). */
export async function rewardPools(sc: StakingContext, now: number): Promise<RewardPoolView[]> {
  const { ctx } = sc;
  const beneficiary = rewardsVaultAddress(ctx.ids).address;
  const found = await ctx.programAccounts(ctx.ids.pools, [
    discriminator('PoolAccount'),
    memcmp(OFFSETS.pool.beneficiary, beneficiary.toBytes()),
    memcmp(OFFSETS.pool.claimType, Uint8Array.of(POOL_CLAIM_TYPE.addFee)),
  ]);
  const pools = found.map(({ pubkey, account }) => ({ address: pubkey, ...decodePoolAccount(account.data) }));
  const vaults = await ctx.accounts(pools.map((p) => poolVaultAddress(p.address, ctx.ids).address));
  return pools.map((pool, i) => {
    const vaultBalance = tokenAccountAmount(vaults[i]?.data);
    return { ...pool, vaultBalance, releasable: releasable(pool, vaultBalance, now) };
  });
}

/** What `claim_fee` adds now: nothing before the start or below one second's emission, as the program does. */
function releasable(pool: PoolAccount, vaultBalance: bigint, now: number): bigint {
  if (now <= pool.startTime) return 0n;
  try {
    const amount = poolClaimAmount({ pool, available: vaultBalance, now });
    return amount < pool.emission ? 0n : amount;
  } catch (error) {
    if (error instanceof StakeArithmeticPanic) return 0n;
    throw error;
  }
}

/** The reflection after the pools' releases (what a claim sees once its `claim_fee`s ran). */
export function afterReleases(reflection: ReflectionAccount, pools: RewardPoolView[]): ReflectionAccount {
  return pools.reduce(
    (r, pool) => (pool.releasable > 0n ? reflectionAddFee(r, pool.releasable) : r),
    reflection,
  );
}

/** The rewards of `owner`, or null when it has no reward account. */
export async function readRewards(sc: StakingContext, owner: PublicKey): Promise<RewardsView | null> {
  const { ctx } = sc;
  const address = rewardAddress(owner, ctx.ids).address;
  const [rewardInfo, reflectionInfo, stakeInfo] = await ctx.accounts([
    address,
    rewardsReflectionAddress(ctx.ids).address,
    stakeAddress(owner, ctx.ids).address,
  ]);
  if (!rewardInfo?.owner.equals(ctx.ids.rewards) || !reflectionInfo) return null;
  const reward = decodeRewardAccount(rewardInfo.data);
  const reflection = decodeReflectionAccount(reflectionInfo.data);
  const asOf = await sc.now();
  const released = afterReleases(reflection, await rewardPools(sc, asOf));
  const stakeXnos = stakeInfo ? decodeStakeAccount(stakeInfo.data).xnos : 0n;
  const share =
    reflection.totalReflection === 0n
      ? 0
      : Number((reward.reflection * 1_000_000n) / reflection.totalReflection) / 1e6;
  return {
    ...reward,
    address,
    stakeXnos,
    accrued: rewardPending(reward, reflection.rate),
    pending: rewardPending(reward, released.rate),
    share,
    needsSync: stakeXnos !== reward.xnos,
    asOf,
  };
}
