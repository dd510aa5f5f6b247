import { PublicKey } from '@solana/web3.js';

/** The addresses that make up one deployment of the Nosana programs. */
export interface NosanaProgramIds {
  jobs: PublicKey;
  staking: PublicKey;
  rewards: PublicKey;
  pools: PublicKey;
  nodes: PublicKey;
  /** The NOS token mint (6 decimals). */
  nosMint: PublicKey;
  /** Program authority (upgrade/settings). */
  authority: PublicKey;
  /** May close markets and force-quit runs / clean jobs (`*_admin` instructions). */
  marketAdmin: PublicKey;
}

/** Which set of program ids: the mainnet build or the devnet build of the programs. */
export type ProgramSet = 'mainnet' | 'devnet';

const MAINNET = {
  jobs: 'nosJhNRqr2bc9g1nfGDcXXTXvYUmxD4cVwy2pMWhrYM',
  staking: 'nosScmHY2uR24Zh751PmGj9ww9QRNHewh9H59AfrTJE',
  rewards: 'nosRB8DUV67oLNrL45bo2pFLrmsWPiewe2Lk2DRNYCp',
  pools: 'nosPdZrfDzND1LAR28FLMDEATUPK53K8xbRBXAirevD',
  nodes: 'nosNeZR64wiEhQc5j251bsP4WqDabT6hmz4PHyoHLGD',
  nosMint: 'nosXBVoaCTtYdLvKY6Csb4AC8JCdQKKAaWYtx2ZMoo7',
  authority: 'NosanarMxfrZbyCx5CotBVrzxiPcrnhj6ickpX9vRkB',
  marketAdmin: 'AdmMVMMU3po5BP3bVWsF9GgN6NNEfpfxpTDGTzjgb72S',
} as const;

const DEVNET = {
  ...MAINNET,
  jobs: 'nosJTmGQxvwXy23vng5UjkTbfv91Bzf9jEuro78dAGR',
  nosMint: 'devr1BGQndEW5k5zfvG5FsLyZv1Ap73vNgAHcQ9sUVP',
  authority: 'XXXxddiNnmoD2h2LbQYaL76Swi21MaQbtBbRynAdQL8',
  marketAdmin: 'XXXxddiNnmoD2h2LbQYaL76Swi21MaQbtBbRynAdQL8',
} as const;

/** The program ids as base58 strings, per program set. */
export const PROGRAM_ADDRESSES: Record<ProgramSet, Record<keyof NosanaProgramIds, string>> = {
  mainnet: MAINNET,
  devnet: DEVNET,
};

/**
 * The Nosana program ids of a program set as `PublicKey`s.
 *
 * @example
 * ```ts
 * getProgramIds('mainnet').jobs.toBase58(); // 'nosJhNRqr2bc9g1nfGDcXXTXvYUmxD4cVwy2pMWhrYM'
 * ```
 */
export function getProgramIds(set: ProgramSet = 'mainnet'): NosanaProgramIds {
  const addresses = PROGRAM_ADDRESSES[set];
  return {
    jobs: new PublicKey(addresses.jobs),
    staking: new PublicKey(addresses.staking),
    rewards: new PublicKey(addresses.rewards),
    pools: new PublicKey(addresses.pools),
    nodes: new PublicKey(addresses.nodes),
    nosMint: new PublicKey(addresses.nosMint),
    authority: new PublicKey(addresses.authority),
    marketAdmin: new PublicKey(addresses.marketAdmin),
  };
}

/** The system program id, which the Jobs program also uses as "no access key" (an open market). */
export const SYSTEM_PROGRAM_ADDRESS = '11111111111111111111111111111111';
