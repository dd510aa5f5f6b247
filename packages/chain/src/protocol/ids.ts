import { PublicKey } from '@solana/web3.js';
import { PROGRAM_ADDRESSES, type ProgramSet } from './program-addresses.js';

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

export { PROGRAM_ADDRESSES, type ProgramSet, SYSTEM_PROGRAM_ADDRESS } from './program-addresses.js';

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
