import { extendJobInstruction } from '@nosana/chain';
import { describe, expect, it } from 'vitest';
import { createTestChain, type TestChain } from '../../test/bank-helpers.js';
import {
  claim,
  enter,
  frozen,
  NOS,
  reflectionOf,
  rewardOf,
  rewardsVault,
  staker,
} from '../../test/rewards-helpers.js';

/** The cpu market: 100 base units per second. */
const PRICE = 100n;
const TIMEOUT = 3600;

const rewardsInvoked = (chain: TestChain, logs: string[]) =>
  logs.includes(`Program ${chain.ids.rewards.toBase58()} invoke [2]`);

describe('the Jobs program’s network fee (genesis setting jobFeeFraction)', () => {
  it('with fraction 10, list and extend charge deposit / 10 on top and add it to the Rewards by CPI', () => {
    const chain = createTestChain(frozen, { jobFeeFraction: 10 });
    expect(chain.info.jobFeeFraction).toBe(10);
    const user = staker(chain, 1000n * NOS, 30);
    expect(enter(chain, user).err).toBeNull();
    const deposit = PRICE * BigInt(TIMEOUT);
    const fee = deposit / 10n;
    const poster = chain.user(deposit + fee + 1100n);
    const before = reflectionOf(chain);
    const { job, result } = chain.list(poster, TIMEOUT);
    expect(result.err).toBeNull();
    expect(rewardsInvoked(chain, result.logs)).toBe(true);
    expect(chain.nos(poster.publicKey)).toBe(1100n);
    expect(chain.tokens(chain.vault())).toBe(deposit);
    expect(chain.tokens(rewardsVault(chain))).toBe(fee);
    expect(reflectionOf(chain).totalXnos).toBe(before.totalXnos + fee);

    // extend by 10 s: a deposit of 1000 and a fee of 100.
    const extend = extendJobInstruction({
      job: job.publicKey,
      market: chain.market,
      authority: poster.publicKey,
      timeout: TIMEOUT + 10,
      ids: chain.ids,
    });
    expect(chain.send([extend], [poster]).err).toBeNull();
    expect(chain.nos(poster.publicKey)).toBe(0n);
    expect(chain.tokens(chain.vault())).toBe(deposit + 1000n);
    expect(chain.tokens(rewardsVault(chain))).toBe(fee + 100n);
    expect(reflectionOf(chain).totalXnos).toBe(before.totalXnos + fee + 100n);

    // The staker who had entered claims nearly all of it.
    expect(claim(chain, user).err).toBeNull();
    expect(chain.nos(user.publicKey)).toBeGreaterThan(((fee + 100n) * 99n) / 100n);
    expect(rewardOf(chain, user.publicKey)).not.toBeNull();
  });

  it('a poster who can pay the deposit but not the fee cannot list: nothing moves', () => {
    const chain = createTestChain(frozen, { jobFeeFraction: 10 });
    const deposit = PRICE * BigInt(TIMEOUT);
    const poster = chain.user(deposit);
    const { result } = chain.list(poster, TIMEOUT);
    // SPL Token's InsufficientFunds (1), inside the Rewards program's add_fee.
    expect(result.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
    expect(chain.nos(poster.publicKey)).toBe(deposit);
    expect(chain.tokens(chain.vault())).toBe(0n);
    expect(chain.tokens(rewardsVault(chain))).toBe(0n);
  });

  it('with fraction 0 (the default) nothing goes to the Rewards', () => {
    const chain = createTestChain(frozen);
    expect(chain.info.jobFeeFraction).toBe(0);
    const deposit = PRICE * BigInt(TIMEOUT);
    const poster = chain.user(deposit);
    const before = reflectionOf(chain);
    const { result } = chain.list(poster, TIMEOUT);
    expect(result.err).toBeNull();
    expect(rewardsInvoked(chain, result.logs)).toBe(false);
    expect(chain.nos(poster.publicKey)).toBe(0n);
    expect(chain.tokens(rewardsVault(chain))).toBe(0n);
    expect(reflectionOf(chain)).toEqual(before);
  });
});
