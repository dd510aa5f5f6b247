/**
 * The program addresses of the two builds of the Nosana programs, as base58 text: what reads need without a
 * `PublicKey` class (`@nosana/chain/lite`); `ids.ts` turns them into `PublicKey`s.
 */

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
export const PROGRAM_ADDRESSES: Record<ProgramSet, Record<keyof typeof MAINNET, string>> = {
  mainnet: MAINNET,
  devnet: DEVNET,
};

/** The system program id, which the Jobs program also uses as "no access key" (an open market). */
export const SYSTEM_PROGRAM_ADDRESS = '11111111111111111111111111111111';
