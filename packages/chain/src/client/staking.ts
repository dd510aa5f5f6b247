/**
 * Staking (`client.staking`): a wallet's stake in the Staking program — create, top up, extend, unstake, restake,
 * withdraw what the unlock released, close — and reading it with its xNOS and unlock schedule. Every operation
 * checks what the program would refuse before sending, with a coded error that says what to do instead. Reads are
 * in `staking-reads.ts`, the transactions in `staking-actions.ts`.
 */
import type { PublicKey } from '@solana/web3.js';
import { type ClientContext, pk } from './context.js';
import type { Funds } from './funds.js';
import {
  type CreateStakeParameters,
  closeStake,
  createStake,
  extendStake,
  restakeStake,
  type StakeDuration,
  type StakeTransactionResult,
  type StakeUnstakeResult,
  type StakeWithdrawResult,
  topupStake,
  unstakeStake,
  withdrawStake,
} from './staking-actions.js';
import { readStake, type StakeView, stakingWallet } from './staking-reads.js';

export {
  type CreateStakeParameters,
  SECONDS_PER_DAY,
  type StakeDuration,
  type StakeTransactionResult,
  type StakeUnstakeResult,
  type StakeWithdrawResult,
} from './staking-actions.js';
export type { StakeView } from './staking-reads.js';

/** The staking area of the client (`client.staking`). `now` is the chain's unix time (`client.chainTime`). */
export function createStaking(ctx: ClientContext, funds: Funds, now: () => Promise<number>) {
  const sc = { ctx, funds, now };
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
    get: (owner: PublicKey | string = stakingWallet(sc)): Promise<StakeView | null> =>
      readStake(sc, pk(owner)),

    /**
     * Creates the wallet's stake: locks `amount` NOS base units for a duration of 14 to 365 days. xNOS =
     * amount × (1 + duration / 4 months), as the program computes it ({@link stakeXnos}).
     *
     * @example
     * ```ts
     * const { stake } = await client.staking.create({ amount: 1_000_000_000n, days: 90 });
     * ```
     */
    create(parameters: CreateStakeParameters): Promise<StakeTransactionResult> {
      return createStake(sc, parameters);
    },

    /**
     * Adds `amount` NOS base units to the wallet's (staked) stake.
     *
     * @example
     * ```ts
     * await client.staking.topup(500_000_000n);
     * ```
     */
    topup(amount: bigint): Promise<StakeTransactionResult> {
      return topupStake(sc, amount);
    },

    /**
     * Lengthens the wallet's (staked) stake by a duration; the total may not exceed 365 days.
     *
     * @example
     * ```ts
     * await client.staking.extend({ days: 30 });
     * ```
     */
    extend(duration: StakeDuration): Promise<StakeTransactionResult> {
      return extendStake(sc, duration);
    },

    /**
     * Starts the unlock: xNOS drops to 0 and the NOS is released linearly over the stake's duration (withdraw it
     * as it is released). A wallet that entered the rewards claims what they owe and leaves them first, in the
     * same transaction (the program refuses to unstake otherwise): `rewardsClaimed` says how much.
     *
     * @example
     * ```ts
     * const { stake, rewardsClaimed } = await client.staking.unstake();
     * ```
     */
    unstake(): Promise<StakeUnstakeResult> {
      return unstakeStake(sc);
    },

    /**
     * Stakes an unstaking (or unlocked) stake again with what its vault still holds; the unlock stops.
     *
     * @example
     * ```ts
     * await client.staking.restake();
     * ```
     */
    restake(): Promise<StakeTransactionResult> {
      return restakeStake(sc);
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
    withdraw(): Promise<StakeWithdrawResult> {
      return withdrawStake(sc);
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
    close(): Promise<StakeWithdrawResult> {
      return closeStake(sc);
    },
  };
}

/** The staking area (see {@link createStaking}). */
export type Staking = ReturnType<typeof createStaking>;
