/**
 * Reading a stake (`client.staking.get`): the Staking program's account, its vault's balance, and the status and
 * unlock schedule at the chain's time — and the context the staking operations share.
 */
import { NosanaError } from '@nosana/core';
import type { PublicKey } from '@solana/web3.js';
import { decodeStakeAccount, type StakeAccount } from '../protocol/accounts.js';
import type { NosanaProgramIds } from '../protocol/ids.js';
import { stakeAddress, stakeVaultAddress } from '../protocol/pda.js';
import { type StakeStatus, type StakeUnlock, stakeSchedule } from '../protocol/staking-math.js';
import type { ClientContext } from './context.js';
import type { Funds } from './funds.js';
import '../errors.js';
import { tokenAccountAmount } from '../protocol/token.js';

/** A stake as the client shows it: the account, its vault's balance, its status and unlock schedule. */
export interface StakeView extends StakeAccount {
  /** The stake account (`["stake", mint, authority]`). */
  address: PublicKey;
  /** NOS base units in the stake's vault (what is staked, or what is left to withdraw once unstaked). */
  vaultBalance: bigint;
  status: StakeStatus;
  /** The unlock after `unstake` (null while staked). */
  unlock: StakeUnlock | null;
  /** The chain time (unix seconds) `status` and `unlock` were computed for; null while staked (not needed). */
  asOf: number | null;
}

/** What the staking operations share: the client's context, its funds checks and the chain's clock. */
export interface StakingContext {
  ctx: ClientContext;
  funds: Funds;
  /** The chain's unix time (`client.chainTime`). */
  now: () => Promise<number>;
}

/** The signing wallet's key. */
export const stakingWallet = ({ ctx }: StakingContext): PublicKey => ctx.wallet().publicKey;

/** The stake account of `owner` and its vault. */
export const stakeAddresses = (owner: PublicKey, ids: NosanaProgramIds) => ({
  stake: stakeAddress(owner, ids).address,
  vault: stakeVaultAddress(owner, ids).address,
});

/** The stake of `owner` as a {@link StakeView}, or null when it has none. */
export async function readStake({ ctx, now }: StakingContext, owner: PublicKey): Promise<StakeView | null> {
  const { stake, vault } = stakeAddresses(owner, ctx.ids);
  const [stakeInfo, vaultInfo] = await ctx.accounts([stake, vault]);
  if (!stakeInfo) return null;
  const account = decodeStakeAccount(stakeInfo.data);
  const vaultBalance = tokenAccountAmount(vaultInfo?.data);
  const asOf = account.timeUnstake === 0 ? null : await now();
  const { status, unlock } = stakeSchedule({ stake: account, vaultBalance, now: asOf ?? 0 });
  return { ...account, address: stake, vaultBalance, status, unlock, asOf };
}

/** The wallet's stake, or `CHAIN__STAKE_NOT_FOUND` naming `operation`. */
export async function existingStake(sc: StakingContext, operation: string): Promise<StakeView> {
  const owner = stakingWallet(sc);
  const stake = await readStake(sc, owner);
  if (stake) return stake;
  throw new NosanaError(
    'CHAIN__STAKE_NOT_FOUND',
    `${operation}: ${owner.toBase58()} has no stake on ${sc.ctx.network.name} — create one first (staking.create / nosana stake create)`,
    { address: stakeAddresses(owner, sc.ctx.ids).stake.toBase58(), authority: owner.toBase58(), operation },
  );
}
