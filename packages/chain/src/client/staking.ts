/**
 * Staking (`client.staking`): a wallet's stake in the Staking program — create, top up, extend, unstake, restake,
 * withdraw what the unlock released, close — and reading it with its xNOS and unlock schedule. Every operation
 * checks what the program would refuse before sending, with a coded error that says what to do instead.
 */
import { NosanaError } from '@nosana/core';
import { AccountLayout, createAssociatedTokenAccountIdempotentInstruction } from '@solana/spl-token';
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { decodeStakeAccount, STAKING, type StakeAccount } from '../protocol/accounts.js';
import { ACCOUNT_SPACE } from '../protocol/constants.js';
import { rewardAddress, stakeAddress, stakeVaultAddress } from '../protocol/pda.js';
import {
  closeStakeInstruction,
  extendStakeInstruction,
  restakeInstruction,
  stakeInstruction,
  topupStakeInstruction,
  unstakeInstruction,
  withdrawStakeInstruction,
} from '../protocol/staking-builders.js';
import { type StakeStatus, type StakeUnlock, stakeSchedule } from '../protocol/staking-math.js';
import { type ClientContext, pk } from './context.js';
import type { Funds } from './funds.js';
import '../errors.js';

/** Seconds in a day, as the Staking program counts them. */
export const SECONDS_PER_DAY = 86_400;
/** An SPL token account's size (the stake's vault). */
const TOKEN_ACCOUNT_SPACE = 165;
const U64_MAX = (1n << 64n) - 1n;

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

/** The staking area of the client (`client.staking`). `now` is the chain's unix time (`client.chainTime`). */
export function createStaking(ctx: ClientContext, funds: Funds, now: () => Promise<number>) {
  const { ids } = ctx;
  const me = () => ctx.wallet().publicKey;
  const addresses = (owner: PublicKey) => ({
    stake: stakeAddress(owner, ids).address,
    vault: stakeVaultAddress(owner, ids).address,
  });

  /** The stake of `owner` as a {@link StakeView}, or null. */
  const view = async (owner: PublicKey): Promise<StakeView | null> => {
    const { stake, vault } = addresses(owner);
    const [stakeInfo, vaultInfo] = await ctx.accounts([stake, vault]);
    if (!stakeInfo) return null;
    const account = decodeStakeAccount(stakeInfo.data);
    const vaultBalance =
      vaultInfo && vaultInfo.data.length >= AccountLayout.span
        ? AccountLayout.decode(vaultInfo.data).amount
        : 0n;
    const asOf = account.timeUnstake === 0 ? null : await now();
    const { status, unlock } = stakeSchedule({ stake: account, vaultBalance, now: asOf ?? 0 });
    return { ...account, address: stake, vaultBalance, status, unlock, asOf };
  };

  /** The wallet's stake, or `CHAIN__STAKE_NOT_FOUND`. */
  const existing = async (operation: string): Promise<StakeView> => {
    const owner = me();
    const stake = await view(owner);
    if (stake) return stake;
    throw new NosanaError(
      'CHAIN__STAKE_NOT_FOUND',
      `${operation}: ${owner.toBase58()} has no stake on ${ctx.network.name} — create one first (staking.create / nosana stake create)`,
      { address: addresses(owner).stake.toBase58(), authority: owner.toBase58(), operation },
    );
  };

  const wrongStatus = (stake: StakeView, operation: string, hint: string) =>
    new NosanaError(
      'CHAIN__STAKE_STATE',
      `${operation}: the stake ${stake.address.toBase58()} is ${stake.status}${stake.unlock ? ` (unstaked ${iso(stake.unlock.start)}, fully unlocked ${iso(stake.unlock.end)})` : ''} — ${hint}`,
      { address: stake.address.toBase58(), status: stake.status, operation },
    );

  const amountOf = (operation: string, amount: bigint, minimum: bigint) => {
    if (amount < minimum || amount > U64_MAX) {
      throw new NosanaError(
        'CHAIN__STAKE_PARAMETER_INVALID',
        `${operation}: amount must be ${minimum > 0n ? 'more than 0' : 'at least 0'} NOS base units (and fit in a u64), got ${amount}`,
        { operation, field: 'amount', value: amount.toString() },
      );
    }
    return amount;
  };

  /** Sends `instructions` and returns the stake after them. */
  const send = async (
    instructions: TransactionInstruction[],
    alreadyDone?: () => Promise<boolean>,
  ): Promise<StakeTransactionResult> => {
    const { signature } = await ctx.send(instructions, [], alreadyDone);
    return { signature, stake: await view(me()) };
  };

  /** NOS base units moved out of the vault by `work` (read before and after). */
  const withdrawing = async (
    before: StakeView,
    instructions: TransactionInstruction[],
    alreadyDone?: () => Promise<boolean>,
  ): Promise<StakeWithdrawResult> => {
    const owner = me();
    const result = await send(
      [
        createAssociatedTokenAccountIdempotentInstruction(owner, ctx.ata(owner), owner, ids.nosMint),
        ...instructions,
      ],
      alreadyDone,
    );
    return { ...result, withdrawn: before.vaultBalance - (result.stake?.vaultBalance ?? 0n) };
  };

  return {
    /**
     * The stake of `owner` (default the wallet) with its vault balance, xNOS, status and unlock schedule, or null
     * when it has none.
     *
     * @example
     * ```ts
     * const stake = await client.staking.get();
     * if (stake?.status === 'unstaking') console.log(`fully unlocked at ${stake.unlock.end}`);
     * ```
     */
    get: (owner: PublicKey | string = me()): Promise<StakeView | null> => view(pk(owner)),

    /**
     * Creates the wallet's stake: locks `amount` NOS base units for a duration of 14 to 365 days. xNOS =
     * amount × (1 + duration / 4 months), as the program computes it ({@link stakeXnos}).
     *
     * @example
     * ```ts
     * const { stake } = await client.staking.create({ amount: 1_000_000_000n, days: 90 });
     * ```
     */
    async create(parameters: CreateStakeParameters): Promise<StakeTransactionResult> {
      const durationSeconds = durationOf('create', parameters);
      if (durationSeconds < STAKING.durationMin || durationSeconds > STAKING.durationMax) {
        throw new NosanaError(
          'CHAIN__STAKE_PARAMETER_INVALID',
          `create: the duration must be 14 to 365 days (the Staking program's bounds), got ${days(durationSeconds)}`,
          { operation: 'create', field: 'duration', value: String(durationSeconds) },
        );
      }
      const amount = amountOf('create', parameters.amount, 0n);
      const owner = me();
      const current = await view(owner);
      if (current) {
        throw new NosanaError(
          'CHAIN__STAKE_EXISTS',
          `create: ${owner.toBase58()} already has a stake (${current.status}) — add NOS with topup, lengthen it with extend`,
          { address: current.address.toBase58(), authority: owner.toBase58() },
        );
      }
      await funds.requireFunds(owner, amount, [ACCOUNT_SPACE.StakeAccount, TOKEN_ACCOUNT_SPACE]);
      return send(
        [
          createAssociatedTokenAccountIdempotentInstruction(owner, ctx.ata(owner), owner, ids.nosMint),
          stakeInstruction({ authority: owner, amount, durationSeconds, ids }),
        ],
        async () => (await ctx.account(addresses(owner).stake)) !== null,
      );
    },

    /**
     * Adds `amount` NOS base units to the wallet's (staked) stake.
     *
     * @example
     * ```ts
     * await client.staking.topup(500_000_000n);
     * ```
     */
    async topup(amount: bigint): Promise<StakeTransactionResult> {
      amountOf('topup', amount, 1n);
      const stake = await existing('topup');
      if (stake.status !== 'staked') throw wrongStatus(stake, 'topup', 'restake it first');
      await funds.requireFunds(me(), amount, []);
      return send([topupStakeInstruction({ authority: me(), amount, ids })]);
    },

    /**
     * Lengthens the wallet's (staked) stake by a duration; the total may not exceed 365 days.
     *
     * @example
     * ```ts
     * await client.staking.extend({ days: 30 });
     * ```
     */
    async extend(duration: StakeDuration): Promise<StakeTransactionResult> {
      const extra = durationOf('extend', duration);
      const stake = await existing('extend');
      if (stake.status !== 'staked') throw wrongStatus(stake, 'extend', 'restake it first');
      const room = STAKING.durationMax - stake.duration;
      if (extra > room) {
        throw new NosanaError(
          'CHAIN__STAKE_PARAMETER_INVALID',
          `extend: the stake is ${days(stake.duration)} long and may be at most 365 days — extend it by at most ${days(room)}`,
          { operation: 'extend', field: 'duration', value: String(extra) },
        );
      }
      return send([extendStakeInstruction({ authority: me(), durationSeconds: extra, ids })]);
    },

    /**
     * Starts the unlock: xNOS drops to 0 and the NOS is released linearly over the stake's duration (withdraw it
     * as it is released). Refused while the wallet has a Rewards program reward account.
     *
     * @example
     * ```ts
     * const { stake } = await client.staking.unstake();
     * ```
     */
    async unstake(): Promise<StakeTransactionResult> {
      const stake = await existing('unstake');
      if (stake.status !== 'staked')
        throw wrongStatus(stake, 'unstake', 'it is already unstaked: restake it or withdraw');
      const reward = rewardAddress(me(), ids).address;
      const info = await ctx.account(reward);
      if (info?.owner.equals(ids.rewards) && !info.data.subarray(0, 8).every((b) => b === 255)) {
        throw new NosanaError(
          'CHAIN__STAKE_HAS_REWARD',
          `unstake: ${me().toBase58()} has a Rewards account (${reward.toBase58()}) — claim and close it first`,
          { address: stake.address.toBase58(), reward: reward.toBase58() },
        );
      }
      return send(
        [unstakeInstruction({ authority: me(), ids })],
        async () => (await view(me()))?.status !== 'staked',
      );
    },

    /**
     * Stakes an unstaking (or unlocked) stake again with what its vault still holds; the unlock stops.
     *
     * @example
     * ```ts
     * await client.staking.restake();
     * ```
     */
    async restake(): Promise<StakeTransactionResult> {
      const stake = await existing('restake');
      if (stake.status === 'staked')
        throw wrongStatus(stake, 'restake', 'it is not unstaked: nothing to restake');
      return send(
        [restakeInstruction({ authority: me(), ids })],
        async () => (await view(me()))?.status === 'staked',
      );
    },

    /**
     * Withdraws what the unlock has released so far to the wallet's NOS account (everything once the duration
     * since `unstake` has passed).
     *
     * @example
     * ```ts
     * const { withdrawn } = await client.staking.withdraw();
     * ```
     */
    async withdraw(): Promise<StakeWithdrawResult> {
      const stake = await existing('withdraw');
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
      return withdrawing(stake, [withdrawStakeInstruction({ authority: me(), ids })]);
    },

    /**
     * Closes the wallet's stake once it is fully unlocked, withdrawing what is left in its vault in the same
     * transaction; the rent of the stake and its vault goes back to the wallet.
     *
     * @example
     * ```ts
     * const { withdrawn } = await client.staking.close();
     * ```
     */
    async close(): Promise<StakeWithdrawResult> {
      const stake = await existing('close');
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
      const owner = me();
      return withdrawing(
        stake,
        [
          ...(stake.vaultBalance > 0n ? [withdrawStakeInstruction({ authority: owner, ids })] : []),
          closeStakeInstruction({ authority: owner, ids }),
        ],
        async () => (await ctx.account(stake.address)) === null,
      );
    },
  };
}

/** The staking area (see {@link createStaking}). */
export type Staking = ReturnType<typeof createStaking>;
