/**
 * The Staking program's unlock arithmetic, with the program's integer operations (nosana-ci/nosana-programs:
 * programs/nosana-staking/src/state.rs `StakeAccount::withdraw`): after `unstake`, a stake's NOS is released
 * linearly over its duration. Shared by the client (what a withdraw will move) and the localnet's emulated
 * program (what it moves). Pure: no I/O. xNOS itself is {@link stakeXnos} (accounts.ts).
 */
import type { StakeAccount } from './accounts.js';

const U64_MAX = (1n << 64n) - 1n;

/**
 * Where the program would panic (Rust's overflow checks, a division by zero, an `unwrap` on a failed conversion):
 * the transaction fails with `ProgramFailedToComplete`.
 */
export class StakeArithmeticPanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StakeArithmeticPanic';
  }
}

/** Parameters of {@link stakeWithdrawAmount}. */
export interface StakeWithdrawAmountParameters {
  stake: Pick<StakeAccount, 'amount' | 'duration' | 'timeUnstake'>;
  /** NOS base units in the stake's vault now. */
  vaultBalance: bigint;
  /** The chain's unix time (seconds). */
  now: number;
}

/**
 * NOS base units a `withdraw` moves at `now`: everything once the duration has passed since `unstake`, before
 * that the part released so far (`elapsed / duration` of `amount`, in the program's fixed-point steps) minus what
 * was withdrawn already (`amount - vaultBalance`). Throws {@link StakeArithmeticPanic} where the program panics.
 *
 * @example
 * ```ts
 * stakeWithdrawAmount({ stake: { amount: 1_000n, duration: 100, timeUnstake: 1_000 }, vaultBalance: 1_000n, now: 1_050 }); // 500n
 * ```
 */
export function stakeWithdrawAmount({ stake, vaultBalance, now }: StakeWithdrawAmountParameters): bigint {
  const elapsed = BigInt(now) - BigInt(stake.timeUnstake);
  if (elapsed < 0n)
    throw new StakeArithmeticPanic('called `Result::unwrap()` on an `Err` value: TryFromIntError(())');
  const duration = BigInt(stake.duration);
  if (elapsed >= duration) return vaultBalance;
  const { amount } = stake;
  const larger = amount > elapsed ? amount : elapsed;
  if (larger === 0n) throw new StakeArithmeticPanic('attempt to divide by zero');
  const precision = U64_MAX / larger - 1n;
  const released = (((elapsed * precision) / duration) * amount) / precision;
  if (vaultBalance > amount) throw new StakeArithmeticPanic('attempt to subtract with overflow');
  const withdrawn = amount - vaultBalance;
  if (released < withdrawn) throw new StakeArithmeticPanic('attempt to subtract with overflow');
  return released - withdrawn;
}

/** Where a stake stands in its life. */
export type StakeStatus = 'staked' | 'unstaking' | 'unlocked';

/** The unlock of an unstaked stake, as of a given time. */
export interface StakeUnlock {
  /** Unix seconds of `unstake`: the release starts. */
  start: number;
  /** Unix seconds from which everything is released (`start + duration`); `close` works from `end + 1`. */
  end: number;
  /** NOS base units a `withdraw` would move now. */
  withdrawable: bigint;
  /** NOS base units withdrawn already (`amount - vault balance`). */
  withdrawn: bigint;
  /** NOS base units still locked in the vault now (`vault balance - withdrawable`). */
  locked: bigint;
}

/**
 * The status and unlock schedule of a stake at `now`: `staked` (no unlock), `unstaking` (released linearly until
 * `end`) or `unlocked` (everything can be withdrawn, and once the vault is empty the stake can be closed).
 *
 * @example
 * ```ts
 * const { status, unlock } = stakeSchedule({ stake, vaultBalance, now: await client.chainTime() });
 * ```
 */
export function stakeSchedule({ stake, vaultBalance, now }: StakeWithdrawAmountParameters): {
  status: StakeStatus;
  unlock: StakeUnlock | null;
} {
  if (stake.timeUnstake === 0) return { status: 'staked', unlock: null };
  let withdrawable: bigint;
  try {
    withdrawable = stakeWithdrawAmount({ stake, vaultBalance, now });
  } catch (error) {
    if (!(error instanceof StakeArithmeticPanic)) throw error;
    withdrawable = 0n;
  }
  const end = stake.timeUnstake + stake.duration;
  return {
    status: now >= end ? 'unlocked' : 'unstaking',
    unlock: {
      start: stake.timeUnstake,
      end,
      withdrawable,
      withdrawn: stake.amount > vaultBalance ? stake.amount - vaultBalance : 0n,
      locked: vaultBalance - withdrawable,
    },
  };
}
