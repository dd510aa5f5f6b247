/**
 * Rewards (`client.rewards`): a staker's share of the network's fees and of the pools' emission, distributed by
 * the Rewards program in proportion to xNOS. Read what is pending, enter, and claim (optionally restaking what was
 * claimed). A claim first releases what the add-fee pools emitted, as the real clients do, so nothing earned is
 * left behind. Each operation checks what the programs would refuse before sending.
 */
import { NosanaError } from '@nosana/core';
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { ACCOUNT_SPACE } from '../protocol/constants.js';
import { rewardAddress } from '../protocol/pda.js';
import {
  claimPoolFeeInstruction,
  claimRewardsInstruction,
  enterRewardsInstruction,
  syncRewardsInstruction,
} from '../protocol/rewards-builders.js';
import { topupStakeInstruction } from '../protocol/staking-builders.js';
import { tokenAccountAmount, tokenAccountInstruction } from '../protocol/token.js';
import { type ClientContext, pk } from './context.js';
import type { Funds } from './funds.js';
import { type RewardPoolView, type RewardsView, readRewards, rewardPools } from './rewards-reads.js';
import { existingStake, type StakingContext, stakingWallet } from './staking-reads.js';
import '../errors.js';

export type { RewardPoolView, RewardsView } from './rewards-reads.js';

/** Parameters of `rewards.claim`. */
export interface ClaimRewardsParameters {
  /** Add what is claimed to the stake in the same transaction (more xNOS, a larger share from then on). */
  restake?: boolean;
}

/** Result of `rewards.claim`. */
export interface ClaimRewardsResult {
  signature: string;
  /** NOS base units paid to the wallet's NOS account. */
  claimed: bigint;
  /** NOS base units of it added to the stake (`restake`). */
  restaked: bigint;
  rewards: RewardsView | null;
}

/** Result of `rewards.enter`. */
export interface EnterRewardsResult {
  signature: string;
  rewards: RewardsView | null;
}

/**
 * The `claim_fee` of every pool with something to release: sent before anything that changes a share, so what
 * was emitted until now goes to the shares as they were.
 */
export async function poolReleaseInstructions(sc: StakingContext): Promise<TransactionInstruction[]> {
  const pools = await rewardPools(sc, await sc.now());
  const payer = stakingWallet(sc);
  return pools
    .filter((pool: RewardPoolView) => pool.releasable > 0n)
    .map((pool) => claimPoolFeeInstruction({ pool: pool.address, authority: payer, ids: sc.ctx.ids }));
}

/** Whether `owner` has a reward account. */
export async function hasRewardAccount(sc: StakingContext, owner: PublicKey): Promise<boolean> {
  const info = await sc.ctx.account(rewardAddress(owner, sc.ctx.ids).address);
  return info?.owner.equals(sc.ctx.ids.rewards) === true;
}

const notEntered = (owner: PublicKey, reward: PublicKey, operation: string) =>
  new NosanaError(
    'CHAIN__REWARDS_NOT_ENTERED',
    `${operation}: ${owner.toBase58()} has not entered the rewards (no account ${reward.toBase58()}) — enter them with rewards.enter / nosana rewards enter (stake create does it for you)`,
    { authority: owner.toBase58(), reward: reward.toBase58(), operation },
  );

/** Refuses `operation` unless the wallet's stake is staked (the Rewards program requires it). */
async function stakedStake(sc: StakingContext, operation: string) {
  const stake = await existingStake(sc, operation);
  if (stake.status !== 'staked') {
    throw new NosanaError(
      'CHAIN__STAKE_STATE',
      `${operation}: the stake ${stake.address.toBase58()} is ${stake.status} — rewards need a staked stake: restake it first`,
      { address: stake.address.toBase58(), status: stake.status, operation },
    );
  }
  return stake;
}

async function enterRewards(sc: StakingContext): Promise<EnterRewardsResult> {
  const owner = stakingWallet(sc);
  await stakedStake(sc, 'enter');
  if (await hasRewardAccount(sc, owner)) {
    throw new NosanaError(
      'CHAIN__REWARDS_ENTERED',
      `enter: ${owner.toBase58()} has entered the rewards already — claim with rewards.claim / nosana rewards claim`,
      { authority: owner.toBase58(), reward: rewardAddress(owner, sc.ctx.ids).address.toBase58() },
    );
  }
  await sc.funds.requireFunds(owner, 0n, [ACCOUNT_SPACE.RewardAccount]);
  const { signature } = await sc.ctx.send(
    [...(await poolReleaseInstructions(sc)), enterRewardsInstruction({ authority: owner, ids: sc.ctx.ids })],
    [],
    () => hasRewardAccount(sc, owner),
  );
  return { signature, rewards: await readRewards(sc, owner) };
}

async function claimRewards(
  sc: StakingContext,
  { restake = false }: ClaimRewardsParameters,
): Promise<ClaimRewardsResult> {
  const { ctx } = sc;
  const owner = stakingWallet(sc);
  await stakedStake(sc, 'claim');
  const before = await readRewards(sc, owner);
  if (!before) throw notEntered(owner, rewardAddress(owner, ctx.ids).address, 'claim');
  if (before.pending === 0n) {
    throw new NosanaError(
      'CHAIN__REWARDS_NOTHING_PENDING',
      `claim: nothing to claim yet for ${owner.toBase58()} — rewards accrue as fees are added and pools emit; see rewards.get / nosana rewards get`,
      { authority: owner.toBase58(), reward: before.address.toBase58() },
    );
  }
  const nosAccount = ctx.ata(owner);
  const balance = async () => tokenAccountAmount((await ctx.account(nosAccount))?.data);
  const start = await balance();
  const instructions = [
    await tokenAccountInstruction(owner, nosAccount, owner, ctx.ids.nosMint),
    ...(await poolReleaseInstructions(sc)),
    claimRewardsInstruction({ authority: owner, ids: ctx.ids }),
  ];
  // What the claim pays as computed now: the chain's clock only moves on, so the claim pays at least this.
  const restaked = restake ? before.pending : 0n;
  if (restake) {
    instructions.push(
      topupStakeInstruction({ authority: owner, amount: restaked, ids: ctx.ids }),
      syncRewardsInstruction({ authority: owner, ids: ctx.ids }),
    );
  }
  const { signature } = await ctx.send(instructions, []);
  const rewards = await readRewards(sc, owner);
  return { signature, claimed: (await balance()) - start + restaked, restaked, rewards };
}

/** The rewards area of the client (`client.rewards`). `now` is the chain's unix time (`client.chainTime`). */
export function createRewards(ctx: ClientContext, funds: Funds, now: () => Promise<number>) {
  const sc: StakingContext = { ctx, funds, now };
  return {
    /**
     * The rewards of `owner` (default the wallet): xNOS entered, what is accrued and what a claim pays now
     * (including its share of what the pools release first), its share; null when it has not entered.
     *
     * @example
     * ```ts
     * const rewards = await client.rewards.get();
     * console.log(`${rewards?.pending ?? 0n} NOS base units to claim`);
     * ```
     */
    get: (owner: PublicKey | string = stakingWallet(sc)): Promise<RewardsView | null> =>
      readRewards(sc, pk(owner)),

    /**
     * The add-fee pools feeding the rewards and what each would release now.
     *
     * @example
     * ```ts
     * for (const pool of await client.rewards.pools()) console.log(pool.address.toBase58(), pool.emission);
     * ```
     */
    pools: async (): Promise<RewardPoolView[]> => rewardPools(sc, await now()),

    /**
     * Enters the rewards with the stake's xNOS (a stake created with `staking.create` has entered already).
     *
     * @example
     * ```ts
     * await client.rewards.enter();
     * ```
     */
    enter: (): Promise<EnterRewardsResult> => enterRewards(sc),

    /**
     * Claims what is pending into the wallet's NOS account — or, with `restake`, into the stake.
     *
     * @example
     * ```ts
     * const { claimed } = await client.rewards.claim({ restake: true });
     * ```
     */
    claim: (parameters: ClaimRewardsParameters = {}): Promise<ClaimRewardsResult> =>
      claimRewards(sc, parameters),
  };
}
