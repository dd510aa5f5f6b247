/** A recorded transaction in the shape of Solana's `getTransaction` answer (`json` or `base64` encoding). */
import { base58, base64 } from '@scure/base';
import { VersionedTransaction } from '@solana/web3.js';
import type { TransactionStatus } from './bank.js';

/**
 * The `getTransaction` result of a recorded transaction, or null when the ledger keeps no bytes for it.
 *
 * @example
 * ```ts
 * transactionJson(bank.status(signature), 'json')?.meta.fee; // 5000
 * ```
 */
export function transactionJson(status: TransactionStatus | undefined, encoding: 'json' | 'base64') {
  if (!status?.bytes) return null;
  const tx = VersionedTransaction.deserialize(status.bytes);
  const message = tx.message;
  const transaction =
    encoding === 'base64'
      ? [base64.encode(status.bytes), 'base64']
      : {
          signatures: tx.signatures.map((s) => base58.encode(s)),
          message: {
            accountKeys: message.staticAccountKeys.map((k) => k.toBase58()),
            header: message.header,
            recentBlockhash: message.recentBlockhash,
            instructions: message.compiledInstructions.map((ix) => ({
              programIdIndex: ix.programIdIndex,
              accounts: ix.accountKeyIndexes,
              data: base58.encode(ix.data),
              stackHeight: null,
            })),
            ...(tx.version === 0
              ? {
                  addressTableLookups: message.addressTableLookups.map((l) => ({
                    accountKey: l.accountKey.toBase58(),
                    writableIndexes: l.writableIndexes,
                    readonlyIndexes: l.readonlyIndexes,
                  })),
                }
              : {}),
          },
        };
  const loaded = status.accountKeys.slice(message.staticAccountKeys.length);
  const writableLoaded =
    tx.version === 0 ? message.addressTableLookups.reduce((n, l) => n + l.writableIndexes.length, 0) : 0;
  return {
    slot: status.slot,
    blockTime: status.blockTime,
    version: tx.version,
    transaction,
    meta: {
      err: status.err,
      status: status.err ? { Err: status.err } : { Ok: null },
      fee: status.fee,
      preBalances: status.preBalances,
      postBalances: status.postBalances,
      innerInstructions: [],
      logMessages: status.logs,
      preTokenBalances: [],
      postTokenBalances: [],
      rewards: [],
      computeUnitsConsumed: status.unitsConsumed,
      loadedAddresses: {
        writable: loaded.slice(0, writableLoaded),
        readonly: loaded.slice(writableLoaded),
      },
    },
  };
}
