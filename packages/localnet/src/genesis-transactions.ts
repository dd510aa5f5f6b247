/**
 * What the genesis steps share: their deterministic keys (derived from fixed seeds, so addresses are the same on
 * every reset) and sending their transactions through the bank, failing loudly.
 */
import { createHash } from 'node:crypto';
import { NosanaError } from '@nosana/core';
import { Keypair, type TransactionInstruction } from '@solana/web3.js';
import type { Bank } from './solana/bank.js';
import { processInstructions } from './solana/process-instructions.js';
import './errors.js';

/**
 * The genesis keypair of `seed`: the same on every localnet.
 *
 * @example
 * ```ts
 * const faucet = genesisKeypair('faucet');
 * ```
 */
export function genesisKeypair(seed: string): Keypair {
  return Keypair.fromSeed(createHash('sha256').update(`nosana-localnet:${seed}`).digest());
}

/** The faucet: mint authority of NOS on the localnet. */
export const faucetKeypair = () => genesisKeypair('faucet');

/**
 * Sends a genesis transaction signed by `signers` (the first pays) through the bank; a failure is a bug of the
 * localnet (LOCALNET__GENESIS_FAILED).
 *
 * @example
 * ```ts
 * sendGenesisTransaction(bank, [createMintToInstruction(mint, account, faucet.publicKey, amount)], [faucet]);
 * ```
 */
export function sendGenesisTransaction(
  bank: Bank,
  instructions: TransactionInstruction[],
  signers: Keypair[],
): string {
  const result = processInstructions(bank, instructions, signers);
  if (result.err) {
    throw new NosanaError(
      'LOCALNET__GENESIS_FAILED',
      `a localnet transaction failed: ${JSON.stringify(result.err)}\n${result.logs.join('\n')}`,
      { error: JSON.stringify(result.err) },
    );
  }
  return result.signature;
}
