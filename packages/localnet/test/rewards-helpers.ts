/** Helpers for tests of the emulated Rewards and Pools programs, over a {@link TestChain}. */
import {
  claimPoolFeeInstruction,
  claimRewardsInstruction,
  closeRewardsInstruction,
  decodePoolAccount,
  decodeReflectionAccount,
  decodeRewardAccount,
  decodeStakeAccount,
  enterRewardsInstruction,
  type PoolAccount,
  type ReflectionAccount,
  type RewardAccount,
  rewardAddress,
  rewardsInstruction,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  type StakeAccount,
  stakeAddress,
  stakeInstruction,
  syncRewardsInstruction,
} from '@nosana/chain';
import { createAssociatedTokenAccountIdempotentInstruction } from '@solana/spl-token';
import { type Keypair, PublicKey } from '@solana/web3.js';
import type { ProcessResult } from '../src/solana/bank.js';
import type { TestChain } from './bank-helpers.js';

export const NOS = 1_000_000n;
export const DAY = 86_400;

/** A wall clock that stands still, so the chain's time moves only with `advance` (exact emissions). */
export const frozen = () => 1_800_000_000_000;

/** A user holding `nos` NOS who stakes all of it for `days`. */
export function staker(chain: TestChain, nos: bigint, days = 14): Keypair {
  const user = chain.user(nos);
  const result = chain.send(
    [
      createAssociatedTokenAccountIdempotentInstruction(
        user.publicKey,
        chain.ata(user.publicKey),
        user.publicKey,
        chain.ids.nosMint,
      ),
      stakeInstruction({
        authority: user.publicKey,
        amount: nos,
        durationSeconds: days * DAY,
        ids: chain.ids,
      }),
    ],
    [user],
  );
  if (result.err) throw new Error(`stake failed: ${JSON.stringify(result.err)}\n${result.logs.join('\n')}`);
  return user;
}

type StakerInstruction = typeof enterRewardsInstruction;
const send = (chain: TestChain, build: StakerInstruction, user: Keypair) =>
  chain.send([build({ authority: user.publicKey, ids: chain.ids })], [user]);

export const enter = (chain: TestChain, user: Keypair) => send(chain, enterRewardsInstruction, user);
export const claim = (chain: TestChain, user: Keypair) => send(chain, claimRewardsInstruction, user);
export const closeReward = (chain: TestChain, user: Keypair) => send(chain, closeRewardsInstruction, user);
/** `sync` of `user`'s reward account, sent (and paid) by `sender`. */
export const sync = (chain: TestChain, user: Keypair, sender = user) =>
  chain.send([syncRewardsInstruction({ authority: user.publicKey, ids: chain.ids })], [sender]);

/** Rewards `add_fee` of `amount` from `payer`'s NOS account. */
export function addFee(chain: TestChain, payer: Keypair, amount: bigint): ProcessResult {
  const ix = rewardsInstruction(
    'add_fee',
    {
      user: chain.ata(payer.publicKey),
      reflection: rewardsReflectionAddress(chain.ids).address,
      vault: rewardsVaultAddress(chain.ids).address,
      authority: payer.publicKey,
    },
    { amount },
    chain.ids.rewards,
  );
  return chain.send([ix], [payer]);
}

/** Pools `claim_fee` of `pool` (the genesis rewards pool unless told), sent by `payer`. */
export function claimFee(chain: TestChain, payer: Keypair, pool = genesisPool(chain)): ProcessResult {
  return chain.send([claimPoolFeeInstruction({ pool, authority: payer.publicKey, ids: chain.ids })], [payer]);
}

export const genesisPool = (chain: TestChain) => new PublicKey(chain.info.rewardsPool);
export const rewardsVault = (chain: TestChain) => rewardsVaultAddress(chain.ids).address;

export const reflectionOf = (chain: TestChain): ReflectionAccount =>
  decodeReflectionAccount(chain.bank.getAccount(rewardsReflectionAddress(chain.ids).address)!.data);
export function rewardOf(chain: TestChain, user: PublicKey): RewardAccount | null {
  const account = chain.bank.getAccount(rewardAddress(user, chain.ids).address);
  return account && account.data.length > 0 ? decodeRewardAccount(account.data) : null;
}
export const stakeOf = (chain: TestChain, user: PublicKey): StakeAccount =>
  decodeStakeAccount(chain.bank.getAccount(stakeAddress(user, chain.ids).address)!.data);
export const poolOf = (chain: TestChain, pool = genesisPool(chain)): PoolAccount =>
  decodePoolAccount(chain.bank.getAccount(pool)!.data);

/** The custom error number a failed transaction's first failing instruction returned. */
export function customError(result: ProcessResult): number | undefined {
  const err = result.err as { InstructionError?: [number, { Custom?: number }] } | null;
  return err?.InstructionError?.[1]?.Custom;
}
