import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { type WaitClock, waitUntil } from './wait.js';

/** A clock driven by the test: timers fire only when `advance` passes their time. */
function fakeClock() {
  let now = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let next = 0;
  const clock: WaitClock = {
    now: () => now,
    setTimeout: (callback, ms) => {
      timers.set(++next, { at: now + ms, callback });
      return next;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
  };
  const advance = async (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers]) {
      if (timer.at <= now) {
        timers.delete(id);
        timer.callback();
      }
    }
    // Let the awaiting loop run its next check.
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { clock, advance, pending: () => timers.size };
}

/** A subscription the test notifies by hand, which records whether it is still subscribed. */
function fakeSubscription() {
  let listener: (() => void) | undefined;
  let unsubscribed = 0;
  return {
    subscribe: (notify: () => void) => {
      listener = notify;
      return () => {
        listener = undefined;
        unsubscribed++;
      };
    },
    notify: () => listener?.(),
    subscribed: () => listener !== undefined,
    unsubscribed: () => unsubscribed,
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('waitUntil', () => {
  it('resolves at once when the condition already holds, and unsubscribes', async () => {
    const sub = fakeSubscription();
    const { clock } = fakeClock();
    await expect(waitUntil(sub.subscribe, () => 'ready', { clock })).resolves.toBe('ready');
    expect(sub.unsubscribed()).toBe(1);
  });

  it('checks again on every notification, without waiting for the poll interval', async () => {
    const sub = fakeSubscription();
    const { clock } = fakeClock();
    let value: number | undefined;
    let checks = 0;
    const waiting = waitUntil(
      sub.subscribe,
      () => {
        checks++;
        return value;
      },
      { clock, pollMs: 60_000 },
    );
    await settle();
    expect(checks).toBe(1);
    sub.notify();
    await settle();
    expect(checks).toBe(2);
    value = 7;
    sub.notify();
    await expect(waiting).resolves.toBe(7);
    expect(checks).toBe(3);
    expect(sub.subscribed()).toBe(false);
  });

  it('polls every pollMs when no notification comes', async () => {
    const sub = fakeSubscription();
    const { clock, advance } = fakeClock();
    let checks = 0;
    const waiting = waitUntil(sub.subscribe, () => (++checks === 3 ? 'third' : undefined), {
      clock,
      pollMs: 1000,
    });
    await settle();
    await advance(999);
    expect(checks).toBe(1);
    await advance(1);
    expect(checks).toBe(2);
    await advance(1000);
    await expect(waiting).resolves.toBe('third');
  });

  it('checks once more at once when a notification arrives while a check runs', async () => {
    const sub = fakeSubscription();
    const { clock } = fakeClock();
    let checks = 0;
    const waiting = waitUntil(
      sub.subscribe,
      async () => {
        checks++;
        if (checks === 1) sub.notify(); // the change lands while the first check reads
        return checks === 2 ? 'seen' : undefined;
      },
      { clock, pollMs: 60_000 },
    );
    await expect(waiting).resolves.toBe('seen');
  });

  it('gives up with CHAIN__WAIT_TIMEOUT after timeoutMs and unsubscribes', async () => {
    const sub = fakeSubscription();
    const { clock, advance } = fakeClock();
    const waiting = waitUntil(sub.subscribe, () => undefined, { clock, pollMs: 1000, timeoutMs: 2500 });
    const outcome = waiting.catch((error: unknown) => error);
    await settle();
    await advance(1000);
    await advance(1000);
    await advance(500);
    const error = await outcome;
    expect(isNosanaError(error, 'CHAIN__WAIT_TIMEOUT') && error.context.timeoutMs).toBe(2500);
    expect(sub.unsubscribed()).toBe(1);
  });

  it('rejects with the signal reason when aborted while waiting, clearing its timer', async () => {
    const sub = fakeSubscription();
    const { clock, pending } = fakeClock();
    const controller = new AbortController();
    const waiting = waitUntil(sub.subscribe, () => undefined, { clock, signal: controller.signal });
    await settle();
    expect(pending()).toBe(1);
    controller.abort(new Error('stopped by the test'));
    await expect(waiting).rejects.toThrow('stopped by the test');
    expect(pending()).toBe(0);
    expect(sub.unsubscribed()).toBe(1);
  });

  it('does not subscribe when the signal is already aborted', async () => {
    const sub = fakeSubscription();
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(waitUntil(sub.subscribe, () => 1, { signal: controller.signal })).rejects.toThrow('already');
    expect(sub.unsubscribed()).toBe(0);
    expect(sub.subscribed()).toBe(false);
  });

  it('passes on what the check throws, and unsubscribes', async () => {
    const sub = fakeSubscription();
    await expect(
      waitUntil(sub.subscribe, () => {
        throw new Error('rpc down');
      }),
    ).rejects.toThrow('rpc down');
    expect(sub.unsubscribed()).toBe(1);
  });
});
