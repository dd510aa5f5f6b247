import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { STAKING, stakeXnos } from './accounts.js';
import { StakeArithmeticPanic, stakeSchedule, stakeWithdrawAmount } from './staking-math.js';

const DAY = 86_400;
const amount = fc.bigInt({ min: 1n, max: 10n ** 15n });
const duration = fc.integer({ min: STAKING.durationMin, max: STAKING.durationMax });

describe('xNOS as the Staking program computes it', () => {
  it('is amount × (1 + duration / 4 months): ×1.115 at 14 days, ×4 at a year, 0 once unstaking', () => {
    expect(stakeXnos({ amount: 1_000_000n, duration: 14 * DAY, timeUnstake: 0 })).toBe(1_115_068n);
    expect(stakeXnos({ amount: 1_000_000n, duration: 365 * DAY, timeUnstake: 0 })).toBe(4_000_000n);
    expect(stakeXnos({ amount: 1_000_000n, duration: 365 * DAY, timeUnstake: 5 })).toBe(0n);
    expect(STAKING.xnosDiv).toBe(10_512_000n);
  });

  test.prop([amount, duration])('lies between amount and 4 × amount and rounds down', (a, d) => {
    const xnos = stakeXnos({ amount: a, duration: d, timeUnstake: 0 });
    expect(xnos).toBeGreaterThanOrEqual(a);
    expect(xnos).toBeLessThanOrEqual(4n * a);
    // Exact rational value, floored twice as the program does: never above it, less than one unit below it per step.
    const exact = (a * (BigInt(d) + STAKING.xnosDiv)) / STAKING.xnosDiv;
    expect(exact - xnos).toBeGreaterThanOrEqual(0n);
    expect(exact - xnos).toBeLessThanOrEqual(a / 10n ** 15n + 1n);
  });
});

describe('the linear release after unstake', () => {
  it('releases elapsed / duration of the amount, minus what was withdrawn; everything at the end', () => {
    const stake = { amount: 1_000n, duration: 100, timeUnstake: 1_000 };
    expect(stakeWithdrawAmount({ stake, vaultBalance: 1_000n, now: 1_050 })).toBe(500n);
    // The program's fixed-point steps round down: 749 of 1000 released at 75 %.
    expect(stakeWithdrawAmount({ stake, vaultBalance: 500n, now: 1_075 })).toBe(249n);
    expect(stakeWithdrawAmount({ stake, vaultBalance: 251n, now: 1_100 })).toBe(251n);
    expect(stakeWithdrawAmount({ stake, vaultBalance: 1_000n, now: 1_000 })).toBe(0n);
  });

  it('panics where the program panics: time before unstake, more in the vault than staked', () => {
    const stake = { amount: 1_000n, duration: 100, timeUnstake: 1_000 };
    expect(() => stakeWithdrawAmount({ stake, vaultBalance: 1_000n, now: 999 })).toThrow(
      StakeArithmeticPanic,
    );
    expect(() => stakeWithdrawAmount({ stake, vaultBalance: 1_001n, now: 1_010 })).toThrow(
      StakeArithmeticPanic,
    );
    expect(() =>
      stakeWithdrawAmount({ stake: { ...stake, amount: 0n }, vaultBalance: 0n, now: 1_000 }),
    ).toThrow('divide by zero');
  });

  test.prop([amount, duration, fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { maxLength: 6 })])(
    'withdrawals at increasing times never exceed what is released, and add up to the amount at the end',
    (a, d, fractions) => {
      const stake = { amount: a, duration: d, timeUnstake: 1_700_000_000 };
      let balance = a;
      const times = fractions.map((f) => stake.timeUnstake + Math.floor(f * d)).sort((x, y) => x - y);
      for (const now of [...times, stake.timeUnstake + d]) {
        const out = stakeWithdrawAmount({ stake, vaultBalance: balance, now });
        balance -= out;
        // At most the exact linear share has left the vault.
        const elapsed = BigInt(Math.min(now - stake.timeUnstake, d));
        expect(a - balance).toBeLessThanOrEqual((a * elapsed) / BigInt(d));
      }
      expect(balance).toBe(0n);
    },
  );

  it('gives the status and schedule of a stake', () => {
    const stake = { amount: 1_000n, duration: 100, timeUnstake: 0 };
    expect(stakeSchedule({ stake, vaultBalance: 1_000n, now: 5 })).toEqual({
      status: 'staked',
      unlock: null,
    });
    const unstaked = { ...stake, timeUnstake: 1_000 };
    expect(stakeSchedule({ stake: unstaked, vaultBalance: 800n, now: 1_050 })).toEqual({
      status: 'unstaking',
      unlock: { start: 1_000, end: 1_100, withdrawable: 300n, withdrawn: 200n, locked: 500n },
    });
    expect(stakeSchedule({ stake: unstaked, vaultBalance: 800n, now: 1_100 }).status).toBe('unlocked');
  });
});
