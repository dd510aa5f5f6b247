/**
 * The localnet's genesis: the NOS mint (its mint authority is the localnet faucet), the Rewards accounts and a
 * rewards pool emitting into them (`genesis-rewards.ts`), and two markets opened through the (emulated) Jobs
 * program — a CPU market usable on any machine and a GPU market. Keys are derived from fixed seeds, so addresses
 * are the same on every reset.
 */
import {
  getProgramIds,
  JobType,
  jobsInstruction,
  type LocalnetMarketInfo,
  marketVaultAddress,
  type NosanaProgramIds,
  type ProgramSet,
} from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  MintLayout,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import { PublicKey, SystemProgram } from '@solana/web3.js';
import { createRewardsGenesis, type GenesisOptions, genesisSettings } from './genesis-rewards.js';
import { faucetKeypair, genesisKeypair, sendGenesisTransaction } from './genesis-transactions.js';
import type { Bank } from './solana/bank.js';
import './errors.js';

export { faucetKeypair };

/** NOS decimals. */
const DECIMALS = 6;
/** Largest NOS amount one faucet request mints (in base units): 1,000,000 NOS. */
export const MAX_FAUCET_NOS = 1_000_000n * 10n ** BigInt(DECIMALS);
/** A market the localnet creates at genesis (the shape `localnet_info` answers with). */
export type GenesisMarket = LocalnetMarketInfo;

/** What a localnet contains; written to `localnet.json` and answered by `localnet_info`. */
export interface LocalnetInfo {
  programSet: ProgramSet;
  programs: { jobs: string; staking: string; rewards: string; pools: string; nodes: string };
  mint: string;
  faucet: string;
  marketAuthority: string;
  markets: GenesisMarket[];
  /**
   * The rewards pool of the Pools program: it emits NOS into the Rewards from genesis on (`claim_fee` releases
   * it). Added to localnets created before it existed when they are loaded.
   */
  rewardsPool: string;
  /** The Jobs program's network fee divisor (`fee = deposit / jobFeeFraction`); 0: no fee. */
  jobFeeFraction: number;
}

/** The authority of the genesis markets. */
export const marketAuthorityKeypair = () => genesisKeypair('market-authority');

const MARKETS = [
  {
    name: 'cpu',
    description: 'CPU market: any machine with Docker can host',
    jobPrice: 100n,
    jobTimeout: 3600,
    jobType: JobType.Default,
    jobExpiration: 86_400,
    // The image the examples use (seeded from the host's busybox where no registry is reachable).
    requiredImages: ['busybox:1.35'],
  },
  {
    name: 'gpu',
    description: 'GPU market: hosts with NVIDIA GPUs',
    jobPrice: 300n,
    jobTimeout: 7200,
    jobType: JobType.Gpu,
    jobExpiration: 86_400,
    requiredImages: ['busybox:1.35'],
  },
] as const;

/**
 * Writes the genesis accounts into a fresh bank (which must emulate the Jobs and Pools programs) and returns what
 * was created. `options` are checked first (LOCALNET__GENESIS_SETTING_INVALID).
 *
 * @example
 * ```ts
 * const info = createGenesis(bank, 'mainnet', { rewardsEmission: 2_000_000n });
 * ```
 */
export function createGenesis(
  bank: Bank,
  programSet: ProgramSet,
  options: GenesisOptions = {},
): LocalnetInfo {
  const settings = genesisSettings(options);
  const ids = getProgramIds(programSet);
  const faucet = faucetKeypair();
  const authority = marketAuthorityKeypair();
  bank.airdrop(faucet.publicKey.toBase58(), 1_000_000n * 1_000_000_000n);
  bank.airdrop(authority.publicKey.toBase58(), 1_000n * 1_000_000_000n);

  const mint = Buffer.alloc(MINT_SIZE);
  MintLayout.encode(
    {
      mintAuthorityOption: 1,
      mintAuthority: faucet.publicKey,
      supply: 0n,
      decimals: DECIMALS,
      isInitialized: true,
      freezeAuthorityOption: 0,
      freezeAuthority: PublicKey.default,
    },
    mint,
  );
  bank.setAccount(ids.nosMint, {
    lamports: bank.rentExempt(MINT_SIZE),
    owner: TOKEN_PROGRAM_ID.toBase58(),
    data: mint,
    executable: false,
  });

  const rewardsPool = createRewardsGenesis(bank, ids, settings);

  const markets = MARKETS.map((market) => {
    const account = genesisKeypair(`market-${market.name}`);
    const vault = marketVaultAddress(account.publicKey, ids).address;
    sendGenesisTransaction(
      bank,
      [
        jobsInstruction(
          'open',
          {
            mint: ids.nosMint,
            market: account.publicKey,
            vault,
            authority: authority.publicKey,
            accessKey: SystemProgram.programId,
          },
          {
            jobExpiration: market.jobExpiration,
            jobPrice: market.jobPrice,
            jobTimeout: market.jobTimeout,
            jobType: market.jobType,
            nodeXnosMinimum: 0n,
          },
          ids.jobs,
        ),
      ],
      [authority, account],
    );
    return {
      name: market.name,
      address: account.publicKey.toBase58(),
      description: market.description,
      jobPrice: market.jobPrice.toString(),
      jobTimeout: market.jobTimeout,
      jobType: market.jobType,
      jobExpiration: market.jobExpiration,
      requiredImages: [...market.requiredImages],
    };
  });
  return {
    programSet,
    programs: {
      jobs: ids.jobs.toBase58(),
      staking: ids.staking.toBase58(),
      rewards: ids.rewards.toBase58(),
      pools: ids.pools.toBase58(),
      nodes: ids.nodes.toBase58(),
    },
    mint: ids.nosMint.toBase58(),
    faucet: faucet.publicKey.toBase58(),
    marketAuthority: authority.publicKey.toBase58(),
    markets,
    rewardsPool,
    jobFeeFraction: settings.jobFeeFraction,
  };
}

/**
 * Mints NOS from the faucet into `owner`'s associated token account (created if missing).
 *
 * @example
 * ```ts
 * airdropNos(bank, ids, wallet.toBase58(), 1000n * 1_000_000n); // 1000 NOS
 * ```
 */
export function airdropNos(bank: Bank, ids: NosanaProgramIds, owner: string, amount: bigint): string {
  if (amount <= 0n || amount > MAX_FAUCET_NOS) {
    throw new NosanaError(
      'LOCALNET__FAUCET_LIMIT',
      `the NOS faucet mints between 1 base unit and ${MAX_FAUCET_NOS / 10n ** BigInt(DECIMALS)} NOS per request`,
      {
        amount: amount.toString(),
      },
    );
  }
  const faucet = faucetKeypair();
  const ownerKey = new PublicKey(owner);
  const ata = getAssociatedTokenAddressSync(ids.nosMint, ownerKey, true);
  return sendGenesisTransaction(
    bank,
    [
      createAssociatedTokenAccountIdempotentInstruction(faucet.publicKey, ata, ownerKey, ids.nosMint),
      createMintToInstruction(ids.nosMint, ata, faucet.publicKey, amount),
    ],
    [faucet],
  );
}
