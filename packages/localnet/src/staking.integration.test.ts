import { fc } from '@fast-check/vitest';
import {
  decodeStakeAccount,
  getProgramIds,
  STAKING,
  stakeAddress,
  stakeWithdrawAmount,
  stakeXnos,
} from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localnet, startLocalnet } from './localnet.js';
import { createLocalnetActors, type LocalnetActors } from './testing.js';

const NOS = 1_000_000n;
const DAY = 86_400;

let localnet: Localnet;
let actors: LocalnetActors;
beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  actors = createLocalnetActors(localnet);
});
afterAll(async () => {
  actors?.close();
  await localnet?.close();
});

/** The stake account as the localnet holds it, read from its bank (not through the client). */
const onChain = (owner: Parameters<typeof stakeAddress>[0]) => {
  const account = localnet.bank.getAccount(stakeAddress(owner, getProgramIds('mainnet')).address);
  return account ? decodeStakeAccount(account.data) : null;
};

/** Expects `promise` to fail with the coded error `code`; returns the error. */
async function rejects(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isNosanaError(error, code as never), `expected ${code}, got ${String(error)}`).toBe(true);
  return error as { message: string; context: Record<string, unknown> };
}

describe('client.staking against the localnet', () => {
  it('the xNOS the client computes is what the program stores, after create, topup and extend (random amounts and durations)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 50_000n * NOS }),
        fc.integer({ min: STAKING.durationMin, max: STAKING.durationMax }),
        fc.bigInt({ min: 1n, max: 50_000n * NOS }),
        fc.integer({ min: 1, max: STAKING.durationMax }),
        async (amount, duration, more, longer) => {
          const client = actors.actor(amount + more);
          const owner = client.address();
          const { stake } = await client.staking.create({ amount, durationSeconds: duration });
          const account = onChain(owner)!;
          expect(account).toMatchObject({ amount, duration, timeUnstake: 0 });
          expect(stake!.xnos).toBe(account.xnos);
          expect(stakeXnos({ amount, duration, timeUnstake: 0 })).toBe(account.xnos);
          await client.staking.topup(more);
          expect(onChain(owner)!.xnos).toBe(stakeXnos({ amount: amount + more, duration, timeUnstake: 0 }));
          const room = STAKING.durationMax - duration;
          if (longer > room) {
            // Refused before sending: the account is unchanged.
            await rejects(
              client.staking.extend({ durationSeconds: longer }),
              'CHAIN__STAKE_PARAMETER_INVALID',
            );
            expect(onChain(owner)!.duration).toBe(duration);
          } else {
            const { stake: extended } = await client.staking.extend({ durationSeconds: longer });
            const after = onChain(owner)!;
            expect(after.duration).toBe(duration + longer);
            expect(after.xnos).toBe(stakeXnos(after));
            expect(extended!.xnos).toBe(after.xnos);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('withdraws what the client computes for the chain time the program ran at (random amounts, durations and waits)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 1n, max: 10_000n * NOS }),
        fc.integer({ min: 14, max: 365 }),
        fc.integer({ min: 1, max: 400 * DAY }),
        async (amount, days, wait) => {
          const client = actors.actor(amount);
          const owner = client.address();
          await client.staking.create({ amount, days });
          const { stake } = await client.staking.unstake();
          expect(stake).toMatchObject({ status: 'unstaking', xnos: 0n });
          expect(onChain(owner)!.xnos).toBe(0n);
          await actors.advanceClock(wait);
          const before = onChain(owner)!;
          const expected = stakeWithdrawAmount({
            stake: before,
            vaultBalance: amount,
            now: await client.chainTime(),
          });
          const outcome = await client.staking.withdraw().catch((error: unknown) => error);
          const after = stakeWithdrawAmount({
            stake: before,
            vaultBalance: amount,
            now: await client.chainTime(),
          });
          if (isNosanaError(outcome, 'CHAIN__STAKE_LOCKED')) {
            // Refused before sending: nothing was released at the second the client read.
            expect(expected).toBe(0n);
            expect((await client.balances()).nos).toBe(0n);
            return;
          }
          if (outcome instanceof Error) throw outcome;
          const { withdrawn } = outcome as { withdrawn: bigint };
          expect((await client.balances()).nos).toBe(withdrawn);
          // The program ran at a chain second between the two reads (the localnet's clock keeps running), and the
          // release only grows with time: what it moved lies between what the client computed for those seconds.
          expect(withdrawn).toBeGreaterThanOrEqual(expected);
          expect(withdrawn).toBeLessThanOrEqual(after);
          expect(amount - onChain(owner)!.amount + (await client.staking.get())!.vaultBalance).toBe(
            amount - withdrawn,
          );
        },
      ),
      { numRuns: 10 },
    );
  });

  it('pre-checks say what is wrong before anything is sent', async () => {
    const client = actors.actor(100n * NOS);
    await rejects(client.staking.unstake(), 'CHAIN__STAKE_NOT_FOUND');
    await rejects(client.staking.create({ amount: NOS, days: 13 }), 'CHAIN__STAKE_PARAMETER_INVALID');
    await rejects(client.staking.create({ amount: NOS, days: 366 }), 'CHAIN__STAKE_PARAMETER_INVALID');
    await rejects(client.staking.create({ amount: 101n * NOS, days: 14 }), 'CHAIN__INSUFFICIENT_NOS');
    expect(await client.staking.get()).toBeNull();
    await client.staking.create({ amount: 10n * NOS, days: 14 });
    await rejects(client.staking.create({ amount: NOS, days: 14 }), 'CHAIN__STAKE_EXISTS');
    await rejects(client.staking.restake(), 'CHAIN__STAKE_STATE');
    await rejects(client.staking.withdraw(), 'CHAIN__STAKE_STATE');
    await rejects(client.staking.topup(0n), 'CHAIN__STAKE_PARAMETER_INVALID');
    await client.staking.unstake();
    const again = await rejects(client.staking.unstake(), 'CHAIN__STAKE_STATE');
    expect(again.message).toContain('already unstaked');
    await rejects(client.staking.topup(NOS), 'CHAIN__STAKE_STATE');
    await rejects(client.staking.extend({ days: 1 }), 'CHAIN__STAKE_STATE');
    const locked = await rejects(client.staking.close(), 'CHAIN__STAKE_LOCKED');
    const stake = (await client.staking.get())!;
    expect(locked.context.unlocksAt).toBe(stake.unlock!.end);
    expect(stake.unlock!.end).toBe(stake.timeUnstake + 14 * DAY);
    expect(locked.message).toContain(new Date(stake.unlock!.end * 1000).toISOString());
    // A stake of 1000 base units over 14 days releases its first unit after 1210 s: until then withdraw says
    // when it unlocks.
    const tiny = actors.actor(1000n);
    await tiny.staking.create({ amount: 1000n, days: 14 });
    const { stake: unstaked } = await tiny.staking.unstake();
    const early = await rejects(tiny.staking.withdraw(), 'CHAIN__STAKE_LOCKED');
    expect(early.context.unlocksAt).toBe(unstaked!.unlock!.end);
    expect(early.message).toContain('released linearly');
  });

  it('close after the unlock withdraws what is left and returns the rent', async () => {
    const client = actors.actor(10n * NOS);
    await client.staking.create({ amount: 10n * NOS, days: 14 });
    await client.staking.unstake();
    await actors.advanceClock(14 * DAY + 1);
    const view = (await client.staking.get())!;
    expect(view).toMatchObject({ status: 'unlocked', vaultBalance: 10n * NOS });
    expect(view.unlock!.withdrawable).toBe(10n * NOS);
    const { withdrawn, stake } = await client.staking.close();
    expect(withdrawn).toBe(10n * NOS);
    expect(stake).toBeNull();
    expect((await client.balances()).nos).toBe(10n * NOS);
    expect(onChain(client.address())).toBeNull();
    await rejects(client.staking.close(), 'CHAIN__STAKE_NOT_FOUND');
  });
});
