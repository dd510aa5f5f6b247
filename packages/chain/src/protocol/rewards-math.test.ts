import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  INITIAL_REFLECTION_RATE,
  poolClaimAmount,
  reflectionAddFee,
  reflectionJoin,
  reflectionLeave,
  rewardPending,
} from './rewards-math.js';
import { StakeArithmeticPanic } from './staking-math.js';

const fresh = () => ({ rate: INITIAL_REFLECTION_RATE, totalReflection: 0n, totalXnos: 0n });

describe('reflection', () => {
  it('the initial rate is the largest multiple-of-supply quotient of u128::MAX (the program constant)', () => {
    expect(INITIAL_REFLECTION_RATE).toBe(3402823669209384634633746n);
  });

  it('a fee goes to the stakers in proportion to their xNOS; leaving takes exactly what joined', () => {
    let r = fresh();
    const a = reflectionJoin(r, 3_000_000n, 0n);
    r = a.reflection;
    const b = reflectionJoin(r, 1_000_000n, 0n);
    r = reflectionAddFee(b.reflection, 400_000n);
    const pendingA = rewardPending({ reflection: a.points, xnos: 3_000_000n }, r.rate);
    const pendingB = rewardPending({ reflection: b.points, xnos: 1_000_000n }, r.rate);
    expect(pendingA).toBeGreaterThanOrEqual(299_999n);
    expect(pendingA).toBeLessThanOrEqual(300_000n);
    expect(pendingB).toBeGreaterThanOrEqual(99_999n);
    expect(pendingB).toBeLessThanOrEqual(100_000n);
    const left = reflectionLeave(reflectionLeave(r, a.points, 3_000_000n), b.points, 1_000_000n);
    expect(left.totalReflection).toBe(0n);
    expect(left.totalXnos).toBe(400_000n);
  });

  test.prop([
    fc.array(fc.bigInt({ min: 1_000_000n, max: 10n ** 13n }), { minLength: 1, maxLength: 6 }),
    fc.bigInt({ min: 0n, max: 10n ** 13n }),
  ])('what the stakers can claim never exceeds the fees added', (stakes, fee) => {
    let r = fresh();
    const points: bigint[] = [];
    for (const xnos of stakes) {
      const joined = reflectionJoin(r, xnos, 0n);
      r = joined.reflection;
      points.push(joined.points);
    }
    r = reflectionAddFee(r, fee);
    const claimable = stakes.reduce(
      (sum, xnos, i) => sum + rewardPending({ reflection: points[i]!, xnos }, r.rate),
      0n,
    );
    expect(claimable).toBeLessThanOrEqual(fee);
    expect(fee - claimable).toBeLessThanOrEqual(BigInt(stakes.length));
  });
});

describe('poolClaimAmount', () => {
  it('releases the emission since the start not yet claimed, at most what the vault holds', () => {
    const pool = { emission: 10n, startTime: 100, claimedTokens: 0n };
    expect(poolClaimAmount({ pool, available: 1_000n, now: 150 })).toBe(500n);
    expect(poolClaimAmount({ pool: { ...pool, claimedTokens: 450n }, available: 1_000n, now: 150 })).toBe(
      50n,
    );
    expect(poolClaimAmount({ pool, available: 120n, now: 150 })).toBe(120n);
  });

  it('panics where the program would: an emission overflowing u64', () => {
    const pool = { emission: 1n << 62n, startTime: 0, claimedTokens: 0n };
    expect(() => poolClaimAmount({ pool, available: 1n, now: 8 })).toThrow(StakeArithmeticPanic);
  });
});
