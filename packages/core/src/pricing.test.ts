import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatNos, jobDeposit, parseNos, pricePerHour, settleJob } from './pricing.js';

describe('NOS amounts', () => {
  it.each([
    ['0', 0n],
    ['1', 1_000_000n],
    ['1.5', 1_500_000n],
    ['0.000115', 115n],
    [' 42.000001 ', 42_000_001n],
  ])('parses %j', (text, expected) => {
    expect(parseNos(text)).toBe(expected);
  });

  it.each(['', '-1', '1.0000001', 'abc', '1e6', '.5'])('rejects %j with a clear message', (text) => {
    expect(() => parseNos(text)).toThrowError(
      /is not a NOS amount — write a non-negative number with at most 6 decimals/,
    );
  });

  test.prop([fc.bigInt({ min: 0n, max: 10n ** 20n })])('formats and parses back every amount', (amount) => {
    expect(parseNos(formatNos(amount))).toBe(amount);
  });

  it('formats without trailing zeros', () => {
    expect(formatNos(1_500_000n)).toBe('1.5');
    expect(formatNos(115)).toBe('0.000115');
    expect(formatNos(-2_000_000n)).toBe('-2');
  });
});

describe('escrow math', () => {
  it('deposits price × timeout, with the optional network fee on top', () => {
    expect(jobDeposit({ price: 115n, timeout: 3600 })).toEqual({
      deposit: 414_000n,
      fee: 0n,
      total: 414_000n,
    });
    expect(jobDeposit({ price: 100n, timeout: 60, feeFraction: 10 })).toEqual({
      deposit: 6000n,
      fee: 600n,
      total: 6600n,
    });
  });

  it('pays the node for elapsed time and refunds the rest', () => {
    expect(settleJob({ price: 100n, timeout: 60, timeStart: 1000, timeEnd: 1012 })).toEqual({
      elapsed: 12,
      billable: 12,
      payout: 1200n,
      refund: 4800n,
    });
  });

  it('never bills more than the timeout, nor a negative duration', () => {
    expect(settleJob({ price: 100n, timeout: 60, timeStart: 0, timeEnd: 500 }).payout).toBe(6000n);
    expect(settleJob({ price: 100n, timeout: 60, timeStart: 500, timeEnd: 0 })).toMatchObject({
      payout: 0n,
      refund: 6000n,
    });
  });

  test.prop([
    fc.bigInt({ min: 0n, max: 10n ** 9n }),
    fc.integer({ min: 0, max: 10 ** 7 }),
    fc.integer({ min: 0, max: 2 * 10 ** 9 }),
    fc.integer({ min: -(10 ** 7), max: 10 ** 7 }),
  ])('conserves the deposit: payout + refund = price × timeout', (price, timeout, timeStart, delta) => {
    const { deposit } = jobDeposit({ price, timeout });
    const { payout, refund, billable } = settleJob({ price, timeout, timeStart, timeEnd: timeStart + delta });
    expect(payout + refund).toBe(deposit);
    expect(payout >= 0n && refund >= 0n).toBe(true);
    expect(billable).toBeLessThanOrEqual(timeout);
  });

  it('rejects negative prices and fractional timeouts', () => {
    expect(() => jobDeposit({ price: -1n, timeout: 10 })).toThrowError('price must not be negative, got -1');
    expect(() => jobDeposit({ price: 1n, timeout: 1.5 })).toThrowError(
      'timeout must be a whole number of seconds, got 1.5',
    );
  });

  it('computes the hourly price', () => {
    expect(formatNos(pricePerHour(115n))).toBe('0.414');
  });
});
