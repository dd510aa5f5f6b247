import { describe, expect, it } from 'vitest';
import { LOCALNET_MALLOC_ENV, localnetServerEnv } from './server-env.js';

describe('localnetServerEnv', () => {
  it('adds glibc malloc settings that keep freed heap for reuse, leaving the rest of the environment as is', () => {
    const env = { PATH: '/usr/bin', HOME: '/root' };
    expect(localnetServerEnv(env)).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      MALLOC_TRIM_THRESHOLD_: '268435456',
      MALLOC_MMAP_THRESHOLD_: '33554432',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/root' });
    expect(Object.isFrozen(LOCALNET_MALLOC_ENV)).toBe(true);
  });

  it("leaves an operator's own malloc settings alone, whichever way they are given", () => {
    for (const own of [
      { MALLOC_TRIM_THRESHOLD_: '1048576' },
      { MALLOC_ARENA_MAX: '2' },
      { GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1048576' },
    ]) {
      const env = { PATH: '/usr/bin', ...own };
      expect(localnetServerEnv(env)).toEqual(env);
    }
  });
});
