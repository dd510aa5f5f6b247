/**
 * Builders of the Staking program's instructions: one per step of a stake's life (stake, topup, extend, unstake,
 * restake, withdraw, close), deriving the stake, its vault, the NOS account and the reward account from the
 * authority. Pure: no I/O.
 */
import type { PublicKey, TransactionInstruction } from '@solana/web3.js';
import { idsOf, nosTokenAddress, type WithProgramIds } from './builders.js';
import { NODE_STAKE } from './constants.js';
import { stakingInstruction } from './instructions.js';
import { rewardAddress, stakeAddress, stakeVaultAddress } from './pda.js';

/**
 * Staking `stake`: creates `authority`'s stake (its PDA and token vault) from its NOS account. Default the
 * node's stake: 0 NOS for 14 days, as the real node software creates before it works.
 *
 * @example
 * ```ts
 * const ix = stakeInstruction({ authority: node, ids });
 * ```
 */
export function stakeInstruction(
  p: { authority: PublicKey; amount?: number | bigint; durationSeconds?: number | bigint } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'stake',
    {
      mint: ids.nosMint,
      user: nosTokenAddress(p.authority, ids),
      vault: stakeVaultAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      authority: p.authority,
    },
    { amount: p.amount ?? NODE_STAKE.amount, duration: p.durationSeconds ?? NODE_STAKE.durationSeconds },
    ids.staking,
  );
}

/**
 * Staking `topup`: adds NOS to `authority`'s stake.
 *
 * @example
 * ```ts
 * const ix = topupStakeInstruction({ authority, amount: 1_000_000n, ids });
 * ```
 */
export function topupStakeInstruction(
  p: { authority: PublicKey; amount: number | bigint } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'topup',
    {
      user: nosTokenAddress(p.authority, ids),
      vault: stakeVaultAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      authority: p.authority,
    },
    { amount: p.amount },
    ids.staking,
  );
}

/**
 * Staking `extend`: lengthens `authority`'s stake lock by `durationSeconds`.
 *
 * @example
 * ```ts
 * const ix = extendStakeInstruction({ authority, durationSeconds: 86_400, ids });
 * ```
 */
export function extendStakeInstruction(
  p: { authority: PublicKey; durationSeconds: number | bigint } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'extend',
    { stake: stakeAddress(p.authority, ids).address, authority: p.authority },
    { duration: p.durationSeconds },
    ids.staking,
  );
}

/**
 * Staking `unstake`: starts the unlock of `authority`'s stake (its Rewards account is checked).
 *
 * @example
 * ```ts
 * const ix = unstakeInstruction({ authority, ids });
 * ```
 */
export function unstakeInstruction(p: { authority: PublicKey } & WithProgramIds): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'unstake',
    {
      stake: stakeAddress(p.authority, ids).address,
      reward: rewardAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.staking,
  );
}

/**
 * Staking `restake`: makes an unstaking stake active again with what its vault still holds (the unlock stops).
 *
 * @example
 * ```ts
 * const ix = restakeInstruction({ authority, ids });
 * ```
 */
export function restakeInstruction(p: { authority: PublicKey } & WithProgramIds): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'restake',
    {
      vault: stakeVaultAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.staking,
  );
}

/**
 * Staking `withdraw`: moves the NOS released so far (linearly over the duration since `unstake`) from the stake's
 * vault to `authority`'s NOS account.
 *
 * @example
 * ```ts
 * const ix = withdrawStakeInstruction({ authority, ids });
 * ```
 */
export function withdrawStakeInstruction(
  p: { authority: PublicKey } & WithProgramIds,
): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'withdraw',
    {
      user: nosTokenAddress(p.authority, ids),
      vault: stakeVaultAddress(p.authority, ids).address,
      stake: stakeAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.staking,
  );
}

/**
 * Staking `close`: closes an unlocked stake with an empty vault; the rent of both goes back to `authority`.
 *
 * @example
 * ```ts
 * const ix = closeStakeInstruction({ authority, ids });
 * ```
 */
export function closeStakeInstruction(p: { authority: PublicKey } & WithProgramIds): TransactionInstruction {
  const ids = idsOf(p);
  return stakingInstruction(
    'close',
    {
      user: nosTokenAddress(p.authority, ids),
      stake: stakeAddress(p.authority, ids).address,
      vault: stakeVaultAddress(p.authority, ids).address,
      authority: p.authority,
    },
    {},
    ids.staking,
  );
}
