import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { parseJobState, parseTimeout, solanaAddress } from './input.js';

describe('parseTimeout', () => {
  it('reads bare numbers as minutes, like the original nosana CLI', async () => {
    expect(await parseTimeout('30')).toBe(1800);
    expect(await parseTimeout(' 1 ')).toBe(60);
  });

  it('still takes amounts with units exactly', async () => {
    expect(await parseTimeout('30s')).toBe(30);
    expect(await parseTimeout('2h')).toBe(7200);
    expect(await parseTimeout('1h30m')).toBe(5400);
  });

  it('names the flag when the value is no duration', async () => {
    for (const value of ['0', 'forever', '-5', '10x']) {
      const error = await parseTimeout(value, 'timeout').catch((e: unknown) => e);
      expect(isNosanaError(error, 'CLI__INVALID_FLAG'), value).toBe(true);
      expect((error as Error).message).toContain(`--timeout "${value}" is not a duration`);
    }
  });
});

describe('parseJobState', () => {
  it('accepts states in any case', async () => {
    expect(await parseJobState('running')).toBe('RUNNING');
    expect(await parseJobState('Completed')).toBe('COMPLETED');
  });

  it('lists the states when the value is none of them', async () => {
    await expect(parseJobState('done')).rejects.toThrow(
      '--state "done" is not a job state — use one of QUEUED, RUNNING, COMPLETED, STOPPED (any case)',
    );
  });
});

describe('solanaAddress', () => {
  it('returns a valid address', async () => {
    const address = '7nxXoihx65yRGZiGzWZsFMz8D7qwxFePNKvDBWZnxc41';
    expect(await solanaAddress(address, 'the job argument')).toBe(address);
  });

  it('says which argument is not an address, also for base58 of the wrong length', async () => {
    for (const value of ['foo', '0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl', `${'1'.repeat(44)}z`]) {
      const error = await solanaAddress(value, 'the job argument').catch((e: unknown) => e);
      expect(isNosanaError(error, 'CLI__INVALID_ARGUMENT'), value).toBe(true);
      expect((error as Error).message).toContain(`"${value}" is not a Solana address (the job argument)`);
    }
  });
});
