/**
 * What a wallet does to its stake: create, top up, extend, unstake, restake, withdraw what the unlock released,
 * close. Each checks what the Staking program would refuse before sending, with a coded error that says what to do
 * instead, and returns the stake as it is after the transaction.
 */
import { NosanaError } from '@nosana/core';
import type { TransactionInstruction } from '@solana/web3.js';
import { STAKING } from '../protocol/accounts.js';
import { ACCOUNT_SPACE } from '../protocol/constants.js';
import {
  claimRewardsInstruction,
  closeRewardsInstruction,
  enterRewardsInstruction,
  syncRewardsInstruction,
} from '../protocol/rewards-builders.js';
import {
  closeStakeInstruction,
  extendStakeInstruction,
  restakeInstruction,
  stakeInstruction,
  topupStakeInstruction,
  unstakeInstruction,
  withdrawStakeInstruction,
} from '../protocol/staking-builders.js';
import { hasRewardAccount, poolReleaseInstructions } from './rewards.js';
import {
  existingStake,
  readStake,
  type StakeView,
  type StakingContext,
  stakeAddresses,
  stakingWallet,
} from './staking-reads.js';
import '../errors.js';
import { TOKEN_ACCOUNT_SIZE, tokenAccountAmount, tokenAccountInstruction } from '../protocol/token.js';

/** Seconds in a day, as the Staking program counts them. */
export const SECONDS_PER_DAY = 86_400;
const U64_MAX = (1n << 64n) - 1n;

/** A stake's duration: whole days, or seconds (exactly one). */
export type StakeDuration =
  | { days: number; durationSeconds?: never }
  | { durationSeconds: number; days?: never };

/** Parameters of `staking.create`. */
export type CreateStakeParameters = {
  /** NOS base units to lock (0 allowed, as the program allows). */
  amount: bigint;
} & StakeDuration;

/** Result of the staking operations: the transaction and the stake after it (null once closed). */
export interface StakeTransactionResult {
  signature: string;
  stake: StakeView | null;
}

/** Result of `staking.unstake`. */
export interface StakeUnstakeResult extends StakeTransactionResult {
  /** NOS base units of rewards claimed into the wallet on the way out of the rewards (0 when it had not entered). */
  rewardsClaimed: bigint;
}

/** Result of `staking.withdraw` and `staking.close`. */
export interface StakeWithdrawResult extends StakeTransactionResult {
  /** NOS base units moved from the vault to the wallet's NOS account. */
  withdrawn: bigint;
}

const iso = (unix: number) => new Date(unix * 1000).toISOString();
const days = (seconds: number) => `${Number((seconds / SECONDS_PER_DAY).toFixed(4))} days`;

/** The duration in seconds, or a coded error naming the field. */
function durationOf(operation: string, duration: StakeDuration): number {
  const given = [duration.days, duration.durationSeconds].filter((v) => v !== undefined);
  const invalid = (field: string, value: unknown, why: string) =>
    new NosanaError('CHAIN__STAKE_PARAMETER_INVALID', `${operation}: ${field} ${why}`, {
      operation,
      field,
      value: String(value),
    });
  if (given.length !== 1)
    throw invalid('duration', 'none', 'is required: give either days or durationSeconds');
  const field = duration.days !== undefined ? 'days' : 'durationSeconds';
  const value = given[0]!;
  if (!Number.isSafeInteger(value) || value <= 0)
    throw invalid(field, value, `must be a positive whole number, got ${value}`);
  return duration.days !== undefined ? value * SECONDS_PER_DAY : value;
}

/** `amount` when it is at least `minimum` and fits in a u64, else a coded error. */
function amountOf(operation: string, amount: bigint, minimum: bigint): bigint {
  if (amount < minimum || amount > U64_MAX) {
    throw new NosanaError(
      'CHAIN__STAKE_PARAMETER_INVALID',
      `${operation}: amount must be ${minimum > 0n ? 'more than 0' : 'at least 0'} NOS base units (and fit in a u64), got ${amount}`,
      { operation, field: 'amount', value: amount.toString() },
    );
  }
  return amount;
}

/** `CHAIN__STAKE_STATE`: the stake's status does not allow `operation`; `hint` says what to do instead. */
const wrongStatus = (stake: StakeView, operation: string, hint: string) =>
  new NosanaError(
    'CHAIN__STAKE_STATE',
    `${operation}: the stake ${stake.address.toBase58()} is ${stake.status}${stake.unlock ? ` (unstaked ${iso(stake.unlock.start)}, fully unlocked ${iso(stake.unlock.end)})` : ''} — ${hint}`,
    { address: stake.address.toBase58(), status: stake.status, operation },
  );

/** Sends `instructions` and returns the stake after them. */
async function send(
  sc: StakingContext,
  instructions: TransactionInstruction[],
  alreadyDone?: () => Promise<boolean>,
): Promise<StakeTransactionResult> {
  const { signature } = await sc.ctx.send(instructions, [], alreadyDone);
  return { signature, stake: await readStake(sc, stakingWallet(sc)) };
}

/** Sends `instructions` (after creating the wallet's NOS account if needed) and reports what left the vault. */
async function withdrawing(
  sc: StakingContext,
  before: StakeView,
  instructions: TransactionInstruction[],
  alreadyDone?: () => Promise<boolean>,
): Promise<StakeWithdrawResult> {
  const { ctx } = sc;
  const owner = stakingWallet(sc);
  const result = await send(
    sc,
    [await tokenAccountInstruction(owner, ctx.ata(owner), owner, ctx.ids.nosMint), ...instructions],
    alreadyDone,
  );
  return { ...result, withdrawn: before.vaultBalance - (result.stake?.vaultBalance ?? 0n) };
}

/** See `staking.create`. */
export async function createStake(
  sc: StakingContext,
  parameters: CreateStakeParameters,
): Promise<StakeTransactionResult> {
  const { ctx } = sc;
  const { ids } = ctx;
  const durationSeconds = durationOf('create', parameters);
  if (durationSeconds < STAKING.durationMin || durationSeconds > STAKING.durationMax) {
    throw new NosanaError(
      'CHAIN__STAKE_PARAMETER_INVALID',
      `create: the duration must be 14 to 365 days (the Staking program's bounds), got ${days(durationSeconds)}`,
      { operation: 'create', field: 'duration', value: String(durationSeconds) },
    );
  }
  const amount = amountOf('create', parameters.amount, 0n);
  const owner = stakingWallet(sc);
  const current = await readStake(sc, owner);
  if (current) {
    throw new NosanaError(
      'CHAIN__STAKE_EXISTS',
      `create: ${owner.toBase58()} already has a stake (${current.status}) — add NOS with topup, lengthen it with extend`,
      { address: current.address.toBase58(), authority: owner.toBase58() },
    );
  }
  await sc.funds.requireFunds(owner, amount, [
    ACCOUNT_SPACE.StakeAccount,
    TOKEN_ACCOUNT_SIZE,
    ACCOUNT_SPACE.RewardAccount,
  ]);
  // As the real clients do, a new stake enters the rewards in the same transaction.
  return send(
    sc,
    [
      await tokenAccountInstruction(owner, ctx.ata(owner), owner, ids.nosMint),
      ...(await poolReleaseInstructions(sc)),
      stakeInstruction({ authority: owner, amount, durationSeconds, ids }),
      enterRewardsInstruction({ authority: owner, ids }),
    ],
    async () => (await ctx.account(stakeAddresses(owner, ids).stake)) !== null,
  );
}

/** See `staking.topup`. */
export async function topupStake(sc: StakingContext, amount: bigint): Promise<StakeTransactionResult> {
  amountOf('topup', amount, 1n);
  const stake = await existingStake(sc, 'topup');
  if (stake.status !== 'staked') throw wrongStatus(stake, 'topup', 'restake it first');
  await sc.funds.requireFunds(stakingWallet(sc), amount, []);
  return send(
    sc,
    await withRewardsKept(sc, [
      topupStakeInstruction({ authority: stakingWallet(sc), amount, ids: sc.ctx.ids }),
    ]),
  );
}

/**
 * `instructions` that change the stake's xNOS, with what keeps the rewards fair around them: the pools' emission
 * released first (to the shares as they were), then the reward account synced to the new xNOS — or entered, for a
 * stake that had not entered yet.
 */
async function withRewardsKept(
  sc: StakingContext,
  instructions: TransactionInstruction[],
): Promise<TransactionInstruction[]> {
  const owner = stakingWallet(sc);
  const { ids } = sc.ctx;
  const entered = await hasRewardAccount(sc, owner);
  return [
    ...(await poolReleaseInstructions(sc)),
    ...instructions,
    entered
      ? syncRewardsInstruction({ authority: owner, ids })
      : enterRewardsInstruction({ authority: owner, ids }),
  ];
}

/** See `staking.extend`. */
export async function extendStake(
  sc: StakingContext,
  duration: StakeDuration,
): Promise<StakeTransactionResult> {
  const extra = durationOf('extend', duration);
  const stake = await existingStake(sc, 'extend');
  if (stake.status !== 'staked') throw wrongStatus(stake, 'extend', 'restake it first');
  const room = STAKING.durationMax - stake.duration;
  if (extra > room) {
    throw new NosanaError(
      'CHAIN__STAKE_PARAMETER_INVALID',
      `extend: the stake is ${days(stake.duration)} long and may be at most 365 days — extend it by at most ${days(room)}`,
      { operation: 'extend', field: 'duration', value: String(extra) },
    );
  }
  return send(
    sc,
    await withRewardsKept(sc, [
      extendStakeInstruction({ authority: stakingWallet(sc), durationSeconds: extra, ids: sc.ctx.ids }),
    ]),
  );
}

/** See `staking.unstake`. */
export async function unstakeStake(sc: StakingContext): Promise<StakeUnstakeResult> {
  const { ctx } = sc;
  const { ids } = ctx;
  const stake = await existingStake(sc, 'unstake');
  if (stake.status !== 'staked')
    throw wrongStatus(stake, 'unstake', 'it is already unstaked: restake it or withdraw');
  const owner = stakingWallet(sc);
  // The program refuses to unstake while a reward account is open: as the real clients do, what is pending is
  // claimed (pools released first) and the account closed in the same transaction.
  const leaveRewards = (await hasRewardAccount(sc, owner))
    ? [
        await tokenAccountInstruction(owner, ctx.ata(owner), owner, ids.nosMint),
        ...(await poolReleaseInstructions(sc)),
        claimRewardsInstruction({ authority: owner, ids }),
        closeRewardsInstruction({ authority: owner, ids }),
      ]
    : [];
  const nos = async () => tokenAccountAmount((await ctx.account(ctx.ata(owner)))?.data);
  const before = leaveRewards.length > 0 ? await nos() : 0n;
  const result = await send(
    sc,
    [...leaveRewards, unstakeInstruction({ authority: owner, ids })],
    async () => (await readStake(sc, stakingWallet(sc)))?.status !== 'staked',
  );
  return { ...result, rewardsClaimed: leaveRewards.length > 0 ? (await nos()) - before : 0n };
}

/** See `staking.restake`. */
export async function restakeStake(sc: StakingContext): Promise<StakeTransactionResult> {
  const stake = await existingStake(sc, 'restake');
  if (stake.status === 'staked')
    throw wrongStatus(stake, 'restake', 'it is not unstaked: nothing to restake');
  const owner = stakingWallet(sc);
  const { ids } = sc.ctx;
  const enter = (await hasRewardAccount(sc, owner))
    ? []
    : [enterRewardsInstruction({ authority: owner, ids })];
  return send(
    sc,
    [...(await poolReleaseInstructions(sc)), restakeInstruction({ authority: owner, ids }), ...enter],
    async () => (await readStake(sc, stakingWallet(sc)))?.status === 'staked',
  );
}

/** See `staking.withdraw`. */
export async function withdrawStake(sc: StakingContext): Promise<StakeWithdrawResult> {
  const stake = await existingStake(sc, 'withdraw');
  if (stake.status === 'staked')
    throw wrongStatus(
      stake,
      'withdraw',
      `unstake it first: the NOS is then released over ${days(stake.duration)}`,
    );
  const unlock = stake.unlock!;
  if (stake.vaultBalance === 0n) {
    throw new NosanaError(
      'CHAIN__STAKE_EMPTY',
      `withdraw: the vault of stake ${stake.address.toBase58()} is empty — everything was withdrawn; close the stake to get its rent back`,
      { address: stake.address.toBase58() },
    );
  }
  if (unlock.withdrawable === 0n) {
    throw new NosanaError(
      'CHAIN__STAKE_LOCKED',
      `withdraw: nothing of stake ${stake.address.toBase58()} is released yet — it is released linearly from ${iso(unlock.start)} until ${iso(unlock.end)}, when all of it unlocks`,
      {
        address: stake.address.toBase58(),
        operation: 'withdraw',
        unlocksAt: unlock.end,
        withdrawable: '0',
      },
    );
  }
  return withdrawing(sc, stake, [
    withdrawStakeInstruction({ authority: stakingWallet(sc), ids: sc.ctx.ids }),
  ]);
}

/** See `staking.close`. */
export async function closeStake(sc: StakingContext): Promise<StakeWithdrawResult> {
  const { ctx } = sc;
  const { ids } = ctx;
  const stake = await existingStake(sc, 'close');
  if (stake.status === 'staked')
    throw wrongStatus(stake, 'close', `unstake it first, then close it ${days(stake.duration)} later`);
  const unlock = stake.unlock!;
  // The program requires `time_unstake + duration < now`, strictly.
  if ((stake.asOf ?? 0) <= unlock.end) {
    throw new NosanaError(
      'CHAIN__STAKE_LOCKED',
      `close: stake ${stake.address.toBase58()} is still unlocking until ${iso(unlock.end)} — close it after that (withdraw what is released meanwhile)`,
      {
        address: stake.address.toBase58(),
        operation: 'close',
        unlocksAt: unlock.end,
        withdrawable: unlock.withdrawable.toString(),
      },
    );
  }
  const owner = stakingWallet(sc);
  return withdrawing(
    sc,
    stake,
    [
      ...(stake.vaultBalance > 0n ? [withdrawStakeInstruction({ authority: owner, ids })] : []),
      closeStakeInstruction({ authority: owner, ids }),
    ],
    async () => (await ctx.account(stake.address)) === null,
  );
}
