/**
 * The Rewards side of the localnet's genesis: the Rewards program's reflection account and vault (what its `init`
 * creates; the localnet does not emulate `init`), and a rewards pool of the Pools program emitting NOS into the
 * rewards from genesis on (claim type add-fee, the Rewards vault its beneficiary), so staking earns on a fresh
 * localnet. Anyone may release what the pool emitted with `claim_fee`; stakers then `claim` their share.
 *
 * The reflection starts with a genesis entry of {@link GENESIS_REFLECTION_XNOS} xNOS that no reward account
 * holds: the real program divides by its totals, and a fee added while nobody has entered would set its rate to 0
 * for good (every later claim would divide by zero). That entry's small share of each fee stays in the vault.
 */
import {
  decodeReflectionAccount,
  encodeReflectionAccount,
  INITIAL_REFLECTION_RATE,
  type NosanaProgramIds,
  POOL_CLAIM_TYPE,
  poolsInstruction,
  poolVaultAddress,
  reflectionJoin,
  rewardsReflectionAddress,
  rewardsVaultAddress,
} from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import {
  ACCOUNT_SIZE,
  AccountLayout,
  AccountState,
  createMintToInstruction,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { PublicKey } from '@solana/web3.js';
import { faucetKeypair, genesisKeypair, sendGenesisTransaction } from './genesis-transactions.js';
import type { Bank } from './solana/bank.js';
import './errors.js';

const NOS = 1_000_000n;
const U64_MAX = (1n << 64n) - 1n;

/** NOS base units the genesis rewards pool emits per second unless told otherwise: 1 NOS/s. */
export const DEFAULT_REWARDS_EMISSION = 1n * NOS;
/** NOS base units minted into the genesis rewards pool's vault unless told otherwise: 10,000,000 NOS. */
export const DEFAULT_REWARDS_POOL_FUNDING = 10_000_000n * NOS;
/** The xNOS of the reflection's genesis entry (see the module comment): 1 xNOS. */
export const GENESIS_REFLECTION_XNOS = 1n * NOS;

/** Settings a localnet is created with (its genesis); every one has a default. */
export interface GenesisOptions {
  /** NOS base units per second the rewards pool emits. Default {@link DEFAULT_REWARDS_EMISSION} (1 NOS/s). */
  rewardsEmission?: bigint;
  /** NOS base units minted into the rewards pool's vault. Default {@link DEFAULT_REWARDS_POOL_FUNDING}. */
  rewardsPoolFunding?: bigint;
  /**
   * The Jobs program's network fee divisor: `list`, `assign` and `extend` charge the payer `deposit / fraction` on
   * top of the deposit and add it to the rewards. 0 (the default, as on the real network since 2026-05) disables
   * it; the real network used 10 before.
   */
  jobFeeFraction?: number;
}

/** {@link GenesisOptions} with the defaults filled in. */
export type GenesisSettings = Required<GenesisOptions>;

const invalid = (setting: string, value: unknown, rule: string) =>
  new NosanaError('LOCALNET__GENESIS_SETTING_INVALID', `the genesis setting ${setting} must be ${rule}`, {
    setting,
    value: String(value),
  });

/**
 * Fills in the defaults of the genesis options and checks them (LOCALNET__GENESIS_SETTING_INVALID).
 *
 * @example
 * ```ts
 * genesisSettings({ jobFeeFraction: 10 }); // { rewardsEmission: 1_000_000n, rewardsPoolFunding: 10_000_000_000_000n, jobFeeFraction: 10 }
 * ```
 */
export function genesisSettings(options: GenesisOptions = {}): GenesisSettings {
  const settings = {
    rewardsEmission: options.rewardsEmission ?? DEFAULT_REWARDS_EMISSION,
    rewardsPoolFunding: options.rewardsPoolFunding ?? DEFAULT_REWARDS_POOL_FUNDING,
    jobFeeFraction: options.jobFeeFraction ?? 0,
  };
  for (const name of ['rewardsEmission', 'rewardsPoolFunding'] as const) {
    const value = settings[name];
    if (typeof value !== 'bigint' || value < 0n || value > U64_MAX)
      throw invalid(name, value, 'a bigint amount of NOS base units between 0 and 2^64 - 1');
  }
  if (!Number.isSafeInteger(settings.jobFeeFraction) || settings.jobFeeFraction < 0)
    throw invalid('jobFeeFraction', settings.jobFeeFraction, 'a whole number ≥ 0 (0 disables the fee)');
  return settings;
}

/** The genesis rewards pool's account (a keypair account, as `open` requires). */
export const rewardsPoolKeypair = () => genesisKeypair('rewards-pool');
/** The authority of the genesis rewards pool (it is not closeable, so the authority can do little). */
export const rewardsPoolAuthorityKeypair = () => genesisKeypair('rewards-pool-authority');

/** An empty NOS token account owned by `owner`. */
function tokenAccount(bank: Bank, mint: PublicKey, owner: PublicKey) {
  const data = Buffer.alloc(ACCOUNT_SIZE);
  AccountLayout.encode(
    {
      mint,
      owner,
      amount: 0n,
      delegateOption: 0,
      delegate: PublicKey.default,
      state: AccountState.Initialized,
      isNativeOption: 0,
      isNative: 0n,
      delegatedAmount: 0n,
      closeAuthorityOption: 0,
      closeAuthority: PublicKey.default,
    },
    data,
  );
  return {
    lamports: bank.rentExempt(ACCOUNT_SIZE),
    owner: TOKEN_PROGRAM_ID.toBase58(),
    data,
    executable: false,
  };
}

/** The reflection account as `init` leaves it, plus the genesis entry. */
function writeReflection(bank: Bank, ids: NosanaProgramIds): void {
  const vault = rewardsVaultAddress(ids);
  const initial = { rate: INITIAL_REFLECTION_RATE, totalReflection: 0n, totalXnos: 0n };
  const { reflection } = reflectionJoin(initial, GENESIS_REFLECTION_XNOS, 0n);
  const data = encodeReflectionAccount({ ...reflection, vault: vault.address, vaultBump: vault.bump });
  bank.setAccount(rewardsReflectionAddress(ids).address, {
    lamports: bank.rentExempt(data.length),
    owner: ids.rewards.toBase58(),
    data,
    executable: false,
  });
}

/** Opens the rewards pool through the emulated Pools program and funds its vault from the faucet. */
function openRewardsPool(bank: Bank, ids: NosanaProgramIds, settings: GenesisSettings) {
  const pool = rewardsPoolKeypair();
  const authority = rewardsPoolAuthorityKeypair();
  const vault = poolVaultAddress(pool.publicKey, ids).address;
  bank.airdrop(authority.publicKey.toBase58(), 10n * 1_000_000_000n);
  const open = poolsInstruction(
    'open',
    {
      pool: pool.publicKey,
      vault,
      beneficiary: rewardsVaultAddress(ids).address,
      authority: authority.publicKey,
      mint: ids.nosMint,
    },
    {
      emission: settings.rewardsEmission,
      startTime: bank.slotTime(),
      claimType: POOL_CLAIM_TYPE.addFee,
      closeable: false,
    },
    ids.pools,
  );
  sendGenesisTransaction(bank, [open], [authority, pool]);
  if (settings.rewardsPoolFunding > 0n) {
    const faucet = faucetKeypair();
    const mint = createMintToInstruction(ids.nosMint, vault, faucet.publicKey, settings.rewardsPoolFunding);
    sendGenesisTransaction(bank, [mint], [faucet]);
  }
  return pool.publicKey.toBase58();
}

/**
 * Writes the Rewards accounts and opens the funded rewards pool; returns the pool's address. The NOS mint (its
 * authority the faucet) must exist, and the bank emulate the Pools program.
 *
 * @example
 * ```ts
 * const rewardsPool = createRewardsGenesis(bank, ids, genesisSettings());
 * ```
 */
export function createRewardsGenesis(bank: Bank, ids: NosanaProgramIds, settings: GenesisSettings): string {
  writeReflection(bank, ids);
  const vault = rewardsVaultAddress(ids).address;
  bank.setAccount(vault, tokenAccount(bank, ids.nosMint, vault));
  return openRewardsPool(bank, ids, settings);
}

/**
 * Brings a ledger saved before the Rewards and Pools programs were emulated up to date: the reflection gets its
 * genesis entry while nobody has ever entered it, and the rewards pool is opened (from now) when it is missing.
 * Returns the pool's address; a no-op on a current ledger.
 *
 * @example
 * ```ts
 * info.rewardsPool ??= upgradeRewardsGenesis(bank, ids, genesisSettings());
 * ```
 */
export function upgradeRewardsGenesis(bank: Bank, ids: NosanaProgramIds, settings: GenesisSettings): string {
  const reflection = bank.getAccount(rewardsReflectionAddress(ids).address);
  const vault = rewardsVaultAddress(ids).address;
  if (!bank.getAccount(vault)) bank.setAccount(vault, tokenAccount(bank, ids.nosMint, vault));
  const totals =
    reflection && reflection.data.length > 0 ? decodeReflectionAccount(reflection.data) : undefined;
  if (!totals || (totals.totalReflection === 0n && totals.totalXnos === 0n)) writeReflection(bank, ids);
  const pool = rewardsPoolKeypair().publicKey;
  if (bank.getAccount(pool)) return pool.toBase58();
  return openRewardsPool(bank, ids, settings);
}
