import { describe, expect, it } from 'vitest';
import {
  dailySeries,
  formatBytes,
  formatDuration,
  formatNos,
  formatPercent,
  formatTime,
  nosNumber,
  searchKind,
  shortAddress,
} from './format.js';

describe('explorer formatting', () => {
  it('formats NOS base units with rounding and grouping', () => {
    expect(formatNos('1500000')).toBe('1.5');
    expect(formatNos('1234567')).toBe('1.2346');
    expect(formatNos('1234567', 6)).toBe('1.234567');
    expect(formatNos('0')).toBe('0');
    expect(formatNos('3600000000000')).toBe('3,600,000');
    expect(formatNos('-2500000')).toBe('-2.5');
    expect(nosNumber('2500000')).toBe(2.5);
  });

  it('formats durations, times and ratios, with a dash for unknowns', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
    expect(formatDuration(7800)).toBe('2 h 10 min');
    expect(formatDuration(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h');
    expect(formatDuration(null)).toBe('—');
    expect(formatTime(0)).toBe('—');
    expect(formatTime(1_700_000_000)).toBe('2023-11-14 22:13:20 UTC');
    expect(formatPercent(0.975)).toBe('97.5 %');
    expect(formatPercent(null)).toBe('—');
  });

  it('formats byte counts in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_610_612_736)).toBe('1.5 GiB');
    expect(formatBytes(16 * 1024 ** 3)).toBe('16 GiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('shortens addresses and tells addresses from CIDs', () => {
    expect(shortAddress('9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin')).toBe('9xQe…VFin');
    expect(shortAddress('abc')).toBe('abc');
    expect(searchKind(' 9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin ')).toBe('address');
    expect(searchKind('QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG')).toBe('cid');
    expect(searchKind('hello world')).toBeNull();
    expect(searchKind('0OIl')).toBeNull();
  });

  it('fills a daily series with zeros up to the last day', () => {
    expect(dailySeries([{ day: 86_400, value: 2 }], 3, 86_400 * 2 + 5)).toEqual({
      x: [0, 86_400, 172_800],
      y: [0, 2, 0],
    });
    expect(dailySeries([], 2, 0)).toEqual({ x: [-86_400, 0], y: [0, 0] });
  });
});
