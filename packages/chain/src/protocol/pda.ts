import { PublicKey } from '@solana/web3.js';
import { getProgramIds, type NosanaProgramIds } from './ids.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const find = (seeds: Uint8Array[], program: PublicKey) => PublicKey.findProgramAddressSync(seeds, program);

/** A program derived address and its bump. */
export interface ProgramAddress {
  address: PublicKey;
  bump: number;
}
const pda = (seeds: Uint8Array[], program: PublicKey): ProgramAddress => {
  const [address, bump] = find(seeds, program);
  return { address, bump };
};

/**
 * The market's NOS escrow vault: a token account at `[market, mint]` of the Jobs program, owned by itself.
 *
 * @example
 * ```ts
 * const { address: vault } = marketVaultAddress(market);
 * ```
 */
export function marketVaultAddress(
  market: PublicKey,
  ids: NosanaProgramIds = getProgramIds(),
): ProgramAddress {
  return pda([market.toBytes(), ids.nosMint.toBytes()], ids.jobs);
}

/** A node's (or anyone's) stake account `["stake", mint, authority]` of the Staking program. */
export function stakeAddress(authority: PublicKey, ids: NosanaProgramIds = getProgramIds()): ProgramAddress {
  return pda([utf8('stake'), ids.nosMint.toBytes(), authority.toBytes()], ids.staking);
}

/** The token vault of a stake `["vault", mint, authority]` of the Staking program. */
export function stakeVaultAddress(
  authority: PublicKey,
  ids: NosanaProgramIds = getProgramIds(),
): ProgramAddress {
  return pda([utf8('vault'), ids.nosMint.toBytes(), authority.toBytes()], ids.staking);
}

/** The Rewards program's reflection pool `["reflection"]`, passed to `list` and `extend`. */
export function rewardsReflectionAddress(ids: NosanaProgramIds = getProgramIds()): ProgramAddress {
  return pda([utf8('reflection')], ids.rewards);
}

/** The Rewards program's NOS vault `[mint]`, passed to `list` and `extend`. */
export function rewardsVaultAddress(ids: NosanaProgramIds = getProgramIds()): ProgramAddress {
  return pda([ids.nosMint.toBytes()], ids.rewards);
}

/** A pool's token vault `["vault", pool]` of the Pools program. */
export function poolVaultAddress(pool: PublicKey, ids: NosanaProgramIds = getProgramIds()): ProgramAddress {
  return pda([utf8('vault'), pool.toBytes()], ids.pools);
}

/** A staker's reward account `["reward", authority]` of the Rewards program (checked by `unstake`). */
export function rewardAddress(authority: PublicKey, ids: NosanaProgramIds = getProgramIds()): ProgramAddress {
  return pda([utf8('reward'), authority.toBytes()], ids.rewards);
}
