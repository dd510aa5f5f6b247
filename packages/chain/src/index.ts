/**
 * `@nosana/chain` — Solana bindings to the Nosana programs (IDL, account codecs, PDAs, instruction builders,
 * program errors), wallets, networks and IPFS content stores.
 *
 * @packageDocumentation
 */

export * from './client/index.js';
export type { ProgramErrorContext } from './errors.js';
export * from './ipfs/index.js';
export * from './protocol/index.js';
