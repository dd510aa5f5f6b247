import { fc, test } from '@fast-check/vitest';
import { rewardPending, stakeVaultAddress, topupStakeInstruction } from '@nosana/chain';
import { MintLayout } from '@solana/spl-token';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect } from 'vitest';
import { createTestChain, type TestChain } from '../../test/bank-helpers.js';
import {
  addFee,
  claim,
  claimFee,
  closeReward,
  enter,
  frozen,
  genesisPool,
  NOS,
  poolOf,
  reflectionOf,
  rewardOf,
  rewardsVault,
  staker,
  sync,
} from '../../test/rewards-helpers.js';
import { airdropNos } from '../genesis.js';
import { GENESIS_REFLECTION_XNOS } from '../genesis-rewards.js';

/** One step of a random scenario; `who` picks one of the stakers. */
type Step =
  | { kind: 'enter' | 'claim' | 'sync' | 'close'; who: number }
  | { kind: 'fee'; amount: bigint }
  | { kind: 'pool'; wait: number }
  | { kind: 'topup'; who: number; amount: bigint };

const STAKERS = 3;
const who = fc.nat({ max: STAKERS - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('enter' as const), who }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), who }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), who }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fee' as const),
      amount: fc.bigInt({ min: 0n, max: 5_000n * NOS }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('pool' as const), wait: fc.integer({ min: 0, max: 3_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('topup' as const),
      who,
      amount: fc.bigInt({ min: 1n, max: 1_000n * NOS }),
    }),
  },
);
/** Each staker's stake: NOS and days. */
const stakes = fc.array(
  fc.record({ nos: fc.bigInt({ min: 1n, max: 100_000n * NOS }), days: fc.integer({ min: 14, max: 365 }) }),
  { minLength: STAKERS, maxLength: STAKERS },
);

/** A seed to replay (`NOSANA_REWARDS_SEED=<seed>`, printed with every failure); otherwise a random one. */
const replaySeed = process.env.NOSANA_REWARDS_SEED ? Number(process.env.NOSANA_REWARDS_SEED) : undefined;

describe('reward invariants of the emulated Rewards and Pools programs', () => {
  test.prop([stakes, fc.array(step, { minLength: 5, maxLength: 40 })], {
    numRuns: 20,
    ...(replaySeed === undefined ? {} : { seed: replaySeed }),
  })(
    'for any sequence of enter, fees, pool releases, claims, syncs, topups and closes by several stakers, no NOS is created: the vault covers every pending reward and tokens are conserved',
    (stakeParameters, steps) => {
      runScenario(stakeParameters, steps);
    },
    300_000,
  );
});

/** The token accounts NOS can be in during a scenario. */
function holdings(chain: TestChain, stakers: Keypair[], funder: Keypair): PublicKey[] {
  return [
    rewardsVault(chain),
    poolOf(chain).vault,
    chain.ata(funder.publicKey),
    ...stakers.flatMap((s) => [chain.ata(s.publicKey), stakeVaultAddress(s.publicKey, chain.ids).address]),
  ];
}

const supply = (chain: TestChain) =>
  MintLayout.decode(Buffer.from(chain.bank.getAccount(chain.ids.nosMint)!.data)).supply;

function runScenario(stakeParameters: Array<{ nos: bigint; days: number }>, steps: Step[]): void {
  // A small pool, so long waits drain it and claims meet an almost empty vault.
  const chain = createTestChain(frozen, { rewardsPoolFunding: 5_000n * NOS });
  const stakers = stakeParameters.map(({ nos, days }) => {
    const user = staker(chain, nos, days);
    airdropNos(chain.bank, chain.ids, user.publicKey.toBase58(), 2_000n * NOS);
    return user;
  });
  const funder = chain.user(1_000_000n * NOS);
  const accounts = holdings(chain, stakers, funder);
  const total = () => accounts.reduce((sum, account) => sum + chain.tokens(account), 0n);
  const initial = { total: total(), supply: supply(chain) };
  chain.advance(1);

  for (const current of steps) {
    const user = 'who' in current ? stakers[current.who]! : undefined;
    const reward = user ? rewardOf(chain, user.publicKey) : null;
    const pending = reward ? rewardPending(reward, reflectionOf(chain).rate) : 0n;
    const balance = user ? chain.nos(user.publicKey) : 0n;
    switch (current.kind) {
      case 'enter':
        expect(enter(chain, user!).err === null).toBe(reward === null);
        break;
      case 'claim': {
        const result = claim(chain, user!);
        expect(result.err === null).toBe(reward !== null);
        // A successful claim pays exactly what the shared arithmetic said was pending.
        if (!result.err) expect(chain.nos(user!.publicKey)).toBe(balance + pending);
        break;
      }
      case 'sync': {
        const result = sync(chain, user!, funder);
        expect(result.err === null).toBe(reward !== null);
        if (!result.err) {
          const kept = rewardPending(rewardOf(chain, user!.publicKey)!, reflectionOf(chain).rate);
          expect(pending - kept).toBeGreaterThanOrEqual(0n);
          expect(pending - kept).toBeLessThanOrEqual(1n);
        }
        break;
      }
      case 'close':
        expect(closeReward(chain, user!).err === null).toBe(reward !== null);
        expect(rewardOf(chain, user!.publicKey)).toBeNull();
        break;
      case 'fee':
        expect(addFee(chain, funder, current.amount).err).toBeNull();
        break;
      case 'pool': {
        chain.advance(current.wait);
        const result = claimFee(chain, funder);
        // The pool started at genesis and the clock moved since: only a release can fail, never the start.
        expect(result.err).toBeNull();
        expect(poolOf(chain, genesisPool(chain)).claimedTokens).toBeLessThanOrEqual(5_000n * NOS);
        break;
      }
      case 'topup': {
        const ix = topupStakeInstruction({
          authority: user!.publicKey,
          amount: current.amount,
          ids: chain.ids,
        });
        expect(chain.send([ix], [user!]).err === null).toBe(current.amount <= balance);
        break;
      }
    }
    checkInvariants(chain, stakers, initial, total());
  }
}

function checkInvariants(
  chain: TestChain,
  stakers: Keypair[],
  initial: { total: bigint; supply: bigint },
  total: bigint,
): void {
  // No NOS minted or burnt, and none left the accounts of the scenario.
  expect(supply(chain)).toBe(initial.supply);
  expect(total).toBe(initial.total);
  const reflection = reflectionOf(chain);
  const open = stakers.map((s) => rewardOf(chain, s.publicKey)).filter((r) => r !== null);
  const vault = chain.tokens(rewardsVault(chain));
  // The vault covers everything that can be claimed.
  const claimable = open.reduce((sum, reward) => sum + rewardPending(reward, reflection.rate), 0n);
  expect(vault).toBeGreaterThanOrEqual(claimable);
  // Every xNOS the reflection counts is an open account's, the genesis entry's, or a fee still in the vault.
  const entered = open.reduce((sum, reward) => sum + reward.xnos, 0n);
  expect(reflection.totalXnos).toBe(GENESIS_REFLECTION_XNOS + entered + vault);
}
