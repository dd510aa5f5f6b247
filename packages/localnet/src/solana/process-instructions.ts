/** Sending instructions through the ledger directly (no RPC): genesis steps and the ledger's and programs' tests. */
import {
  type Keypair,
  type TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import type { Bank, ProcessResult } from './bank.js';

/**
 * Builds a v0 transaction of `instructions` on the latest blockhash, paid by the first of `signers` and signed by
 * all, and processes it (or, with `simulate`, runs it and rolls it back).
 *
 * @example
 * ```ts
 * const result = processInstructions(bank, [SystemProgram.transfer({ fromPubkey, toPubkey, lamports })], [payer]);
 * result.err; // null when it succeeded
 * ```
 */
export function processInstructions(
  bank: Bank,
  instructions: TransactionInstruction[],
  signers: Keypair[],
  options: { simulate?: boolean } = {},
): ProcessResult {
  const message = new TransactionMessage({
    payerKey: signers[0]!.publicKey,
    recentBlockhash: bank.latestBlockhash().blockhash,
    instructions,
  }).compileToV0Message();
  const transaction = new VersionedTransaction(message);
  transaction.sign(signers);
  return bank.process(transaction.serialize(), options);
}
