/**
 * Builders of the Rewards and Pools instructions a staker sends: entering the fee reflection, claiming, syncing
 * after the stake changed, leaving; and releasing a pool's emission into the rewards (anyone may). Pure: no I/O.
 */
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { idsOf, nosTokenAddress, type WithProgramIds } from './builders.js';
import { poolsInstruction, rewardsInstruction } from './instructions.js';
import {
  poolVaultAddress,
  rewardAddress,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  stakeAddress,
} from './pda.js';

type StakerParameters = { authority: PublicKey } & WithProgramIds;

/**
 * Rewards `enter`: opens `authority`'s reward account with its stake's xNOS (the stake must be staked).
 *
 * @example
 * ```ts
 * const ix = enterRewardsInstruction({ authority, ids });
 * ```
 */
export function enterRewardsInstruction(p: StakerParameters): TransactionInstruction {
  const ids = idsOf(p);
  return rewardsInstruction(
    'enter',
    {
      reflection: rewardsReflectionAddress(ids).address,
      stake: stakeAddress(p.authority, ids).address,
      reward: rewardAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.rewards,
  );
}

/**
 * Rewards `claim`: pays `authority`'s pending rewards to its NOS account and re-enters it with its stake's xNOS.
 *
 * @example
 * ```ts
 * const ix = claimRewardsInstruction({ authority, ids });
 * ```
 */
export function claimRewardsInstruction(p: StakerParameters): TransactionInstruction {
  const ids = idsOf(p);
  return rewardsInstruction(
    'claim',
    {
      user: nosTokenAddress(p.authority, ids),
      vault: rewardsVaultAddress(ids).address,
      reflection: rewardsReflectionAddress(ids).address,
      reward: rewardAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.rewards,
  );
}

/**
 * Rewards `sync`: re-enters `authority`'s reward account with its stake's current xNOS, keeping what is pending
 * (after a topup or an extension; anyone may send it).
 *
 * @example
 * ```ts
 * const ix = syncRewardsInstruction({ authority, ids });
 * ```
 */
export function syncRewardsInstruction(p: StakerParameters): TransactionInstruction {
  const ids = idsOf(p);
  return rewardsInstruction(
    'sync',
    {
      reward: rewardAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      reflection: rewardsReflectionAddress(ids).address,
    },
    {},
    ids.rewards,
  );
}

/**
 * Rewards `close`: leaves the reflection (what is pending is forfeited: claim first) and closes the account.
 *
 * @example
 * ```ts
 * const ixs = [claimRewardsInstruction({ authority, ids }), closeRewardsInstruction({ authority, ids })];
 * ```
 */
export function closeRewardsInstruction(p: StakerParameters): TransactionInstruction {
  const ids = idsOf(p);
  return rewardsInstruction(
    'close',
    {
      reflection: rewardsReflectionAddress(ids).address,
      reward: rewardAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.rewards,
  );
}

/**
 * Pools `claim_fee`: releases what an add-fee pool has emitted so far into the rewards, as a fee (signed by any
 * payer; the real clients send it before each claim).
 *
 * @example
 * ```ts
 * const ix = claimPoolFeeInstruction({ pool, authority: wallet.publicKey, ids });
 * ```
 */
export function claimPoolFeeInstruction(
  p: { pool: PublicKey; authority: PublicKey } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return poolsInstruction(
    'claim_fee',
    {
      vault: poolVaultAddress(p.pool, ids).address,
      rewardsReflection: rewardsReflectionAddress(ids).address,
      rewardsVault: rewardsVaultAddress(ids).address,
      pool: p.pool,
      authority: p.authority,
      rewardsProgram: ids.rewards,
    },
    {},
    ids.pools,
  );
}
