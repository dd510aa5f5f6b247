/**
 * The Rewards and Pools programs' arithmetic, with the programs' integer operations (nosana-ci/nosana-programs:
 * programs/nosana-rewards/src/state.rs, programs/nosana-pools/src/state.rs). Fees are distributed by reflection:
 * a staker entering with `xnos` gets `xnos × rate` reflection points; a fee lowers the rate, so the same points
 * are worth more xNOS, and the difference is the staker's share of the fees. Shared by the client (what a claim
 * pays) and the localnet's emulated programs (what they do). Pure: no I/O.
 */
import type { PoolAccount, ReflectionAccount, RewardAccount } from './accounts.js';
import { StakeArithmeticPanic } from './staking-math.js';

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

/** NOS's total supply in base units (100,000,000 NOS of 6 decimals), which sizes the initial rate. */
export const NOS_TOTAL_SUPPLY = 100_000_000n * 1_000_000n;

/** The reflection rate of a freshly initialised Rewards program: as large as fits, a multiple of the supply. */
export const INITIAL_REFLECTION_RATE = (U128_MAX - (U128_MAX % NOS_TOTAL_SUPPLY)) / NOS_TOTAL_SUPPLY;

type Totals = Pick<ReflectionAccount, 'rate' | 'totalReflection' | 'totalXnos'>;

const checked = (value: bigint, max: bigint, operation: string): bigint => {
  if (value < 0n || value > max) throw new StakeArithmeticPanic(`attempt to ${operation} with overflow`);
  return value;
};
const divide = (a: bigint, b: bigint): bigint => {
  if (b === 0n) throw new StakeArithmeticPanic('attempt to divide by zero');
  return a / b;
};

/**
 * `add_fee`: the fee joins the xNOS total and the rate falls accordingly (every holder's points are now worth a
 * share of it).
 *
 * @example
 * ```ts
 * const next = reflectionAddFee(reflection, 1_000_000n);
 * ```
 */
export function reflectionAddFee<T extends Totals>(reflection: T, fee: bigint): T {
  const totalXnos = checked(reflection.totalXnos + fee, U128_MAX, 'add');
  return { ...reflection, totalXnos, rate: divide(reflection.totalReflection, totalXnos) };
}

/**
 * A reward account joins (`enter`, and after `claim` or `sync`): `(xnos + pending) × rate` points are minted;
 * `xnos` joins the total. Returns the new totals and the points.
 *
 * @example
 * ```ts
 * const { reflection: next, points } = reflectionJoin(reflection, stake.xnos, 0n);
 * ```
 */
export function reflectionJoin<T extends Totals>(
  reflection: T,
  xnos: bigint,
  pending: bigint,
): { reflection: T; points: bigint } {
  const points = checked(checked(xnos + pending, U128_MAX, 'add') * reflection.rate, U128_MAX, 'multiply');
  return {
    reflection: {
      ...reflection,
      totalReflection: checked(reflection.totalReflection + points, U128_MAX, 'add'),
      totalXnos: checked(reflection.totalXnos + xnos, U128_MAX, 'add'),
    },
    points,
  };
}

/**
 * A reward account leaves (`close`, and before re-joining): its points and `xnos` leave the totals.
 *
 * @example
 * ```ts
 * const next = reflectionLeave(reflection, reward.reflection, reward.xnos);
 * ```
 */
export function reflectionLeave<T extends Totals>(reflection: T, points: bigint, xnos: bigint): T {
  return {
    ...reflection,
    totalXnos: checked(reflection.totalXnos - xnos, U128_MAX, 'subtract'),
    totalReflection: checked(reflection.totalReflection - points, U128_MAX, 'subtract'),
  };
}

/**
 * NOS base units a reward account can claim at `rate`: its points' worth in xNOS minus the xNOS it entered with.
 *
 * @example
 * ```ts
 * const pending = rewardPending(reward, reflection.rate);
 * ```
 */
export function rewardPending(reward: Pick<RewardAccount, 'reflection' | 'xnos'>, rate: bigint): bigint {
  return checked(divide(reward.reflection, rate) - reward.xnos, U128_MAX, 'subtract');
}

/** Parameters of {@link poolClaimAmount}. */
export interface PoolClaimAmountParameters {
  pool: Pick<PoolAccount, 'emission' | 'startTime' | 'claimedTokens'>;
  /** NOS base units in the pool's vault now. */
  available: bigint;
  /** The chain's unix time (seconds). */
  now: number;
}

/**
 * What a pool releases at `now`: everything emitted since its start not yet claimed, at most what its vault holds.
 * Throws {@link StakeArithmeticPanic} where the program panics.
 *
 * @example
 * ```ts
 * poolClaimAmount({ pool: { emission: 10n, startTime: 100, claimedTokens: 0n }, available: 1_000n, now: 150 }); // 500n
 * ```
 */
export function poolClaimAmount({ pool, available, now }: PoolClaimAmountParameters): bigint {
  const elapsed = BigInt(now) - BigInt(pool.startTime);
  // `(now - start_time) as u64` wraps a negative span; the claim instructions require `now > start_time` first.
  const span = elapsed < 0n ? elapsed + (1n << 64n) : elapsed;
  const emitted = checked(span * pool.emission, U64_MAX, 'multiply');
  const due = checked(emitted - pool.claimedTokens, U64_MAX, 'subtract');
  return due < available ? due : available;
}
