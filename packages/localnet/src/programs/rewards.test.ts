import {
  encodeStakeAccount,
  rewardAddress,
  rewardPending,
  rewardsInstruction,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  type StakeAccount,
  stakeAddress,
  topupStakeInstruction,
  unstakeInstruction,
} from '@nosana/chain';
import type { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createTestChain, errorName, type TestChain } from '../../test/bank-helpers.js';
import {
  addFee,
  claim,
  closeReward,
  customError,
  enter,
  frozen,
  NOS,
  reflectionOf,
  rewardOf,
  rewardsVault,
  stakeOf,
  staker,
  sync,
} from '../../test/rewards-helpers.js';
import { airdropNos } from '../genesis.js';
import { GENESIS_REFLECTION_XNOS } from '../genesis-rewards.js';

/** What `user` may claim now, by the shared arithmetic. */
const pendingOf = (chain: TestChain, user: Keypair) =>
  rewardPending(rewardOf(chain, user.publicKey)!, reflectionOf(chain).rate);

describe('emulated Rewards program: enter, fees, claim', () => {
  it('enter opens the reward PDA with the stake’s xNOS (rent from the authority); a fee is claimed as rewardPending says', () => {
    const chain = createTestChain(frozen);
    const user = staker(chain, 1000n * NOS, 365);
    const xnos = stakeOf(chain, user.publicKey).xnos;
    const before = reflectionOf(chain);
    const lamports = chain.bank.getAccount(user.publicKey)!.lamports;
    expect(enter(chain, user).err).toBeNull();
    const reward = rewardOf(chain, user.publicKey)!;
    expect(reward).toMatchObject({ xnos, reflection: xnos * before.rate });
    expect(reward.authority.equals(user.publicKey)).toBe(true);
    expect(chain.bank.getAccount(user.publicKey)!.lamports).toBe(
      lamports - chain.bank.rentExempt(80) - 5000n,
    );
    expect(reflectionOf(chain)).toMatchObject({
      totalXnos: before.totalXnos + xnos,
      totalReflection: before.totalReflection + xnos * before.rate,
    });
    // Entering twice: Anchor's init finds the account in use.
    expect(enter(chain, user).err).toEqual({ InstructionError: [0, { Custom: 0 }] });

    const payer = chain.user(500n * NOS);
    expect(addFee(chain, payer, 500n * NOS).err).toBeNull();
    expect(chain.tokens(rewardsVault(chain))).toBe(500n * NOS);
    const pending = pendingOf(chain, user);
    // The fee is shared by xNOS with the reflection's genesis entry: the staker gets almost all of it.
    const share = (500n * NOS * xnos) / (xnos + GENESIS_REFLECTION_XNOS);
    expect(pending).toBeGreaterThanOrEqual(share - 1n);
    expect(pending).toBeLessThanOrEqual(share + 1n);
    expect(claim(chain, user).err).toBeNull();
    expect(chain.nos(user.publicKey)).toBe(pending);
    expect(chain.tokens(rewardsVault(chain))).toBe(500n * NOS - pending);
    // Re-entered with the stake's xNOS: nothing more is pending, and a second claim pays nothing.
    expect(rewardOf(chain, user.publicKey)!.xnos).toBe(xnos);
    expect(pendingOf(chain, user)).toBe(0n);
    expect(claim(chain, user).err).toBeNull();
    expect(chain.nos(user.publicKey)).toBe(pending);
  });

  it('two stakers with different xNOS share a fee pro rata (to a base unit each)', () => {
    const chain = createTestChain(frozen);
    const small = staker(chain, 1000n * NOS, 14);
    const large = staker(chain, 3000n * NOS, 365);
    expect(enter(chain, small).err).toBeNull();
    expect(enter(chain, large).err).toBeNull();
    const xSmall = stakeOf(chain, small.publicKey).xnos;
    const xLarge = stakeOf(chain, large.publicKey).xnos;
    const fee = 1234n * NOS + 567n;
    expect(addFee(chain, chain.user(fee), fee).err).toBeNull();
    const total = xSmall + xLarge + GENESIS_REFLECTION_XNOS;
    for (const [user, xnos] of [
      [small, xSmall],
      [large, xLarge],
    ] as const) {
      expect(claim(chain, user).err).toBeNull();
      const paid = chain.nos(user.publicKey);
      expect(paid).toBeGreaterThanOrEqual((fee * xnos) / total - 1n);
      expect(paid).toBeLessThanOrEqual((fee * xnos) / total + 1n);
    }
    expect(chain.nos(large.publicKey)).toBeGreaterThan(3n * chain.nos(small.publicKey));
  });

  it('sync after a topup keeps what is pending and counts the new xNOS from then on (anyone may send it)', () => {
    const chain = createTestChain(frozen);
    const user = staker(chain, 1000n * NOS, 30);
    expect(enter(chain, user).err).toBeNull();
    const funder = chain.user(10_000n * NOS);
    expect(addFee(chain, funder, 100n * NOS).err).toBeNull();
    const pending = pendingOf(chain, user);
    airdropAndTopup(chain, user, 1000n * NOS);
    const grown = stakeOf(chain, user.publicKey).xnos;
    expect(grown).toBeGreaterThan(rewardOf(chain, user.publicKey)!.xnos);
    expect(sync(chain, user, chain.user()).err).toBeNull();
    expect(rewardOf(chain, user.publicKey)!.xnos).toBe(grown);
    const kept = pendingOf(chain, user);
    expect(kept).toBeGreaterThanOrEqual(pending - 1n);
    expect(kept).toBeLessThanOrEqual(pending);
    // The next fee is shared with the larger xNOS, and what was pending earns its share too (it was re-entered).
    const total = reflectionOf(chain).totalXnos;
    expect(addFee(chain, funder, 100n * NOS).err).toBeNull();
    expect(claim(chain, user).err).toBeNull();
    const expected = kept + (100n * NOS * (grown + kept)) / total;
    expect(chain.nos(user.publicKey)).toBeGreaterThanOrEqual(expected - 2n);
    expect(chain.nos(user.publicKey)).toBeLessThanOrEqual(expected + 2n);
  });

  it('close leaves the reflection and returns the rent to the authority; unstake is possible again', () => {
    const chain = createTestChain(frozen);
    const user = staker(chain, 100n * NOS);
    const before = reflectionOf(chain);
    expect(enter(chain, user).err).toBeNull();
    const reward = rewardAddress(user.publicKey, chain.ids).address;
    expect(
      errorName(chain.send([unstakeInstruction({ authority: user.publicKey, ids: chain.ids })], [user])),
    ).toBe('HasReward');
    const rent = chain.bank.getAccount(reward)!.lamports;
    const lamports = chain.bank.getAccount(user.publicKey)!.lamports;
    expect(closeReward(chain, user).err).toBeNull();
    expect(chain.bank.getAccount(reward)).toBeNull();
    expect(chain.bank.getAccount(user.publicKey)!.lamports).toBe(lamports + rent - 5000n);
    expect(reflectionOf(chain)).toMatchObject({
      totalXnos: before.totalXnos,
      totalReflection: before.totalReflection,
    });
    expect(
      chain.send([unstakeInstruction({ authority: user.publicKey, ids: chain.ids })], [user]).err,
    ).toBeNull();
  });
});

/** Mints `amount` more NOS to `user` and tops its stake up with it. */
function airdropAndTopup(chain: TestChain, user: Keypair, amount: bigint) {
  airdropNos(chain.bank, chain.ids, user.publicKey.toBase58(), amount);
  const topup = topupStakeInstruction({ authority: user.publicKey, amount, ids: chain.ids });
  expect(chain.send([topup], [user]).err).toBeNull();
}

describe('emulated Rewards program: refusals', () => {
  it('enter and claim need the stake staked (AlreadyUnstaked, a Staking error)', () => {
    const chain = createTestChain(frozen);
    const unstaked = staker(chain, 10n * NOS);
    expect(
      chain.send([unstakeInstruction({ authority: unstaked.publicKey, ids: chain.ids })], [unstaked]).err,
    ).toBeNull();
    const refused = enter(chain, unstaked);
    expect(errorName(refused)).toBe('AlreadyUnstaked');
    expect(customError(refused)).toBe(6004);
    expect(rewardOf(chain, unstaked.publicKey)).toBeNull();

    // The Staking program refuses to unstake with a reward account open; written here as a slash could leave it.
    const user = staker(chain, 10n * NOS);
    expect(enter(chain, user).err).toBeNull();
    setStake(chain, user, {
      ...stakeOf(chain, user.publicKey),
      timeUnstake: chain.bank.slotTime(),
      xnos: 0n,
    });
    const claimed = claim(chain, user);
    expect(errorName(claimed)).toBe('AlreadyUnstaked');
    expect(customError(claimed)).toBe(6004);
    expect(errorName(sync(chain, user))).toBe('AlreadyUnstaked');
  });

  it('claim refuses a stake whose xNOS fell below the reward account’s (Decreased) until it is synced', () => {
    const chain = createTestChain(frozen);
    const user = staker(chain, 100n * NOS, 60);
    expect(enter(chain, user).err).toBeNull();
    expect(addFee(chain, chain.user(10n * NOS), 10n * NOS).err).toBeNull();
    const stake = stakeOf(chain, user.publicKey);
    setStake(chain, user, { ...stake, amount: stake.amount / 2n, xnos: stake.xnos / 2n });
    const refused = claim(chain, user);
    expect(errorName(refused)).toBe('Decreased');
    expect(customError(refused)).toBe(6010);
    const pending = pendingOf(chain, user);
    expect(sync(chain, user).err).toBeNull();
    expect(claim(chain, user).err).toBeNull();
    expect(chain.nos(user.publicKey)).toBeGreaterThanOrEqual(pending - 1n);
    expect(chain.nos(user.publicKey)).toBeLessThanOrEqual(pending);
  });

  it('only the authority claims or closes its reward account (Unauthorized), into no other vault (InvalidVault)', () => {
    const chain = createTestChain(frozen);
    const victim = staker(chain, 100n * NOS);
    const thief = staker(chain, 100n * NOS);
    expect(enter(chain, victim).err).toBeNull();
    expect(addFee(chain, chain.user(10n * NOS), 10n * NOS).err).toBeNull();
    const accounts = {
      user: chain.ata(thief.publicKey),
      vault: rewardsVaultAddress(chain.ids).address,
      reflection: rewardsReflectionAddress(chain.ids).address,
      reward: rewardAddress(victim.publicKey, chain.ids).address,
      stake: stakeAddress(thief.publicKey, chain.ids).address,
      authority: thief.publicKey,
    };
    const stolen = chain.send([rewardsInstruction('claim', accounts, {}, chain.ids.rewards)], [thief]);
    expect(errorName(stolen)).toBe('Unauthorized');
    expect(customError(stolen)).toBe(6000);
    expect(stolen.logs.some((line) => line.includes('caused by account: reward.'))).toBe(true);
    const closed = chain.send(
      [
        rewardsInstruction(
          'close',
          { reflection: accounts.reflection, reward: accounts.reward, authority: thief.publicKey },
          {},
          chain.ids.rewards,
        ),
      ],
      [thief],
    );
    expect(errorName(closed)).toBe('Unauthorized');
    // Another token account in place of the Rewards vault.
    const elsewhere = chain.send(
      [
        rewardsInstruction(
          'claim',
          {
            ...accounts,
            reward: rewardAddress(victim.publicKey, chain.ids).address,
            vault: chain.ata(victim.publicKey),
          },
          {},
          chain.ids.rewards,
        ),
      ],
      [thief],
    );
    expect(errorName(elsewhere)).toBe('InvalidVault');
    expect(chain.nos(thief.publicKey)).toBe(0n);
    expect(chain.tokens(rewardsVault(chain))).toBe(10n * NOS);
  });

  it('init is not emulated: the genesis made the reflection and vault (InstructionFallbackNotFound)', () => {
    const chain = createTestChain(frozen);
    const payer = chain.user();
    const init = rewardsInstruction(
      'init',
      {
        mint: chain.ids.nosMint,
        reflection: rewardsReflectionAddress(chain.ids).address,
        vault: rewardsVaultAddress(chain.ids).address,
        authority: payer.publicKey,
      },
      {},
      chain.ids.rewards,
    );
    const result = chain.send([init], [payer]);
    expect(errorName(result)).toBe('InstructionFallbackNotFound');
    expect(customError(result)).toBe(101);
  });
});

/** Writes a stake account directly (what only the Staking program's authority could do). */
function setStake(chain: TestChain, user: Keypair, stake: StakeAccount) {
  const address = stakeAddress(user.publicKey, chain.ids).address;
  const account = chain.bank.getAccount(address)!;
  chain.bank.setAccount(address, { ...account, data: encodeStakeAccount(stake, account.data.length) });
}
