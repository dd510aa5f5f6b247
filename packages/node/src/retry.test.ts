import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from './retry.js';
import { createFakeClock, rpcDown } from './testing.js';

describe('retry', () => {
  it('backs off exponentially up to the maximum', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 1000 }))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });

  it('retries until the task succeeds, then gives up after the attempts', async () => {
    const clock = createFakeClock();
    let calls = 0;
    const ok = retry(async () => (++calls < 3 ? Promise.reject(rpcDown()) : 'done'), {
      operation: 'x',
      clock,
    });
    await clock.runUntil(() => calls === 3);
    expect(await ok).toBe('done');
    expect(clock.sleeps).toEqual([500, 1000]);
    const failing = retry(() => Promise.reject(rpcDown()), { operation: 'x', clock, attempts: 2 });
    failing.catch(() => undefined);
    await clock.advance(10_000);
    expect(isNosanaError(await failing.catch((e: unknown) => e), 'CHAIN__RPC_UNREACHABLE')).toBe(true);
  });

  it('makes the first attempt even when stopping, and ends retries with NODE__STOPPED', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    controller.abort();
    expect(await retry(async () => 1, { operation: 'x', clock, signal: controller.signal })).toBe(1);
    const error = await retry(() => Promise.reject(rpcDown()), {
      operation: 'pinning',
      clock,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'NODE__STOPPED')).toBe(true);
  });
});
