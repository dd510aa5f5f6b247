/**
 * The localnet's genesis: the NOS mint (its mint authority is the localnet faucet), the Rewards accounts the
 * Jobs program expects, and two markets opened through the (emulated) Jobs program — a CPU market usable on
 * any machine and a GPU market. Keys are derived from fixed seeds, so addresses are the same on every reset.
 */
import { createHash } from 'node:crypto';
import {
  encodeReflectionAccount,
  getProgramIds,
  JobType,
  jobsInstruction,
  type LocalnetMarketInfo,
  marketVaultAddress,
  type NosanaProgramIds,
  type ProgramSet,
  rewardsReflectionAddress,
  rewardsVaultAddress,
} from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import {
  ACCOUNT_SIZE,
  AccountLayout,
  AccountState,
  createAssociatedTokenAccountIdempotentInstruction,
  createMintToInstruction,
  getAssociatedTokenAddressSync,
  MINT_SIZE,
  MintLayout,
  TOKEN_PROGRAM_ID,
} from '@solana/spl-token';
import {
  Keypair,
  PublicKey,
  SystemProgram,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import type { Bank } from './solana/bank.js';
import './errors.js';

/** NOS decimals. */
const DECIMALS = 6;
/** Largest NOS amount one faucet request mints (in base units): 1,000,000 NOS. */
export const MAX_FAUCET_NOS = 1_000_000n * 10n ** BigInt(DECIMALS);
/** The Rewards program's initial reflection rate (`(u128::MAX - u128::MAX % supply) / supply`). */
const INITIAL_RATE = ((1n << 128n) - 1n - (((1n << 128n) - 1n) % 10n ** 14n)) / 10n ** 14n;

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
}

const keypair = (seed: string) =>
  Keypair.fromSeed(createHash('sha256').update(`nosana-localnet:${seed}`).digest());

/** The faucet: mint authority of NOS on the localnet. */
export const faucetKeypair = () => keypair('faucet');
/** The authority of the genesis markets. */
export const marketAuthorityKeypair = () => keypair('market-authority');

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

/** Sends a transaction signed by `signers` (the first pays) through the bank, failing loudly. */
function send(bank: Bank, instructions: TransactionInstruction[], signers: Keypair[]): string {
  const { blockhash } = bank.latestBlockhash();
  const message = new TransactionMessage({
    payerKey: signers[0]!.publicKey,
    recentBlockhash: blockhash,
    instructions,
  }).compileToV0Message();
  const transaction = new VersionedTransaction(message);
  transaction.sign(signers);
  const result = bank.process(transaction.serialize());
  if (result.err) {
    throw new NosanaError(
      'LOCALNET__GENESIS_FAILED',
      `a localnet transaction failed: ${JSON.stringify(result.err)}\n${result.logs.join('\n')}`,
      {
        error: JSON.stringify(result.err),
      },
    );
  }
  return result.signature;
}

/** Writes the genesis accounts into a fresh bank and returns what was created. */
export function createGenesis(bank: Bank, programSet: ProgramSet): LocalnetInfo {
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

  // Rewards accounts: `list` and `extend` pass them (the network fee itself is disabled on the programs).
  const reflection = rewardsReflectionAddress(ids);
  const rewardsVault = rewardsVaultAddress(ids);
  const reflectionData = encodeReflectionAccount({
    rate: INITIAL_RATE,
    totalReflection: 0n,
    totalXnos: 0n,
    vault: rewardsVault.address,
    vaultBump: rewardsVault.bump,
  });
  bank.setAccount(reflection.address, {
    lamports: bank.rentExempt(reflectionData.length),
    owner: ids.rewards.toBase58(),
    data: reflectionData,
    executable: false,
  });
  bank.setAccount(rewardsVault.address, tokenAccount(bank, ids.nosMint, rewardsVault.address));

  const markets = MARKETS.map((market) => {
    const account = keypair(`market-${market.name}`);
    const vault = marketVaultAddress(account.publicKey, ids).address;
    send(
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
  };
}

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
  return send(
    bank,
    [
      createAssociatedTokenAccountIdempotentInstruction(faucet.publicKey, ata, ownerKey, ids.nosMint),
      createMintToInstruction(ids.nosMint, ata, faucet.publicKey, amount),
    ],
    [faucet],
  );
}
