/**
 * Transactions and instruction runs executed by litesvm itself: whole transactions without emulated
 * instructions, sub-transactions of real instructions inside an emulated transaction (paid by the relayer,
 * signatures checked by the caller), and the fee rule.
 */
import { randomBytes } from 'node:crypto';
import { base58 } from '@scure/base';
import {
  ComputeBudgetProgram,
  type TransactionInstruction,
  TransactionMessage,
  type VersionedTransaction,
} from '@solana/web3.js';
import type { LedgerAccess, ProcessResult } from './executor.js';
import {
  type Account,
  FailedTransactionMetadata,
  type LiteSvm,
  type TransactionMetadata,
} from './litesvm.js';
import {
  type InstructionErrorJson,
  REJECTING_ERRORS,
  type TransactionErrorJson,
  transactionErrorJson,
} from './transaction-errors.js';

/** An instruction failed: the transaction fails with `InstructionError: [index, error]`. */
export class InstructionFailure extends Error {
  constructor(
    readonly index: number,
    readonly error: InstructionErrorJson,
    /** Compute units the failing instruction consumed (reported by simulations, as a validator does). */
    readonly unitsConsumed = 0,
  ) {
    super(JSON.stringify(error));
    this.name = 'InstructionFailure';
  }
}

/** Lamports per signature. */
export const LAMPORTS_PER_SIGNATURE = 5000;

/** Runs a transaction that touches no emulated program through litesvm (or simulates it). */
export function processReal(
  ledger: LedgerAccess,
  bytes: Uint8Array,
  transaction: VersionedTransaction,
  signature: string,
  simulate: boolean,
  sigVerify: boolean,
): ProcessResult {
  const legacy = transaction.version === 'legacy';
  if (!sigVerify) ledger.svm.setSigverify(false);
  let outcome:
    | ReturnType<LiteSvm['sendLegacyTransaction']>
    | ReturnType<LiteSvm['simulateLegacyTransaction']>;
  try {
    if (simulate)
      outcome = legacy
        ? ledger.svm.simulateLegacyTransaction(bytes)
        : ledger.svm.simulateVersionedTransaction(bytes);
    else
      outcome = legacy ? ledger.svm.sendLegacyTransaction(bytes) : ledger.svm.sendVersionedTransaction(bytes);
  } finally {
    if (!sigVerify) ledger.svm.setSigverify(true);
  }
  const fee = feeOf(transaction);
  if (outcome instanceof FailedTransactionMetadata) {
    const err = transactionErrorJson(outcome);
    const meta = outcome.meta();
    const rejected = typeof err === 'string' && REJECTING_ERRORS.has(err);
    return {
      signature,
      err,
      rejected,
      logs: meta.logs(),
      unitsConsumed: Number(meta.computeUnitsConsumed()),
      fee: rejected ? 0 : fee,
      accountKeys: [],
    };
  }
  const meta: TransactionMetadata =
    'meta' in outcome && typeof outcome.meta === 'function'
      ? (outcome as { meta(): TransactionMetadata }).meta()
      : (outcome as TransactionMetadata);
  const returned = meta.returnData();
  const result: ProcessResult = {
    signature,
    err: null,
    rejected: false,
    logs: meta.logs(),
    unitsConsumed: Number(meta.computeUnitsConsumed()),
    fee,
    accountKeys: [],
    returnData:
      returned.data().length > 0
        ? { programId: base58.encode(returned.programId()), data: returned.data() }
        : null,
  };
  if (simulate && 'postAccounts' in outcome) {
    result.postAccounts = new Map(
      (outcome as { postAccounts(): Array<{ address: Uint8Array; account(): Account }> })
        .postAccounts()
        .map((entry) => {
          const a = entry.account();
          return [
            base58.encode(entry.address),
            {
              lamports: a.lamports(),
              owner: base58.encode(a.owner()),
              data: a.data(),
              executable: a.executable(),
            },
          ] as const;
        }),
    );
  }
  return result;
}

/** The fee of a transaction: 5000 lamports per signature plus the priority fee (unit limit × unit price). */
export function feeOf(transaction: VersionedTransaction): number {
  return computeBudget(transaction).fee;
}

/** The compute unit price (micro-lamports) a transaction sets with ComputeBudget, 0 when none. */
export function computeUnitPrice(transaction: VersionedTransaction): bigint {
  return computeBudget(transaction).microLamports;
}

function computeBudget(transaction: VersionedTransaction): { fee: number; microLamports: bigint } {
  const message = transaction.message;
  const keys = message.staticAccountKeys;
  let unitLimit: number | undefined;
  let microLamports = 0n;
  let instructions = 0;
  for (const ix of message.compiledInstructions) {
    if (!keys[ix.programIdIndex]?.equals(ComputeBudgetProgram.programId)) {
      instructions++;
      continue;
    }
    const data = Buffer.from(ix.data);
    if (data[0] === 2 && data.length >= 5) unitLimit = data.readUInt32LE(1);
    if (data[0] === 3 && data.length >= 9) microLamports = data.readBigUInt64LE(1);
  }
  const units = BigInt(unitLimit ?? Math.min(1_400_000, 200_000 * Math.max(1, instructions)));
  const priority = (units * microLamports + 999_999n) / 1_000_000n;
  return {
    fee: message.header.numRequiredSignatures * LAMPORTS_PER_SIGNATURE + Number(priority),
    microLamports,
  };
}

/** Runs real instructions as a litesvm sub-transaction paid by the relayer, with signature checks done here. */
export function runReal(
  ledger: LedgerAccess,
  instructions: TransactionInstruction[],
  logs: string[],
  signers: ReadonlySet<string>,
  depth: number,
): { err: TransactionErrorJson | null; units: number } {
  for (const [index, ix] of instructions.entries()) {
    for (const key of ix.keys) {
      if (key.isSigner && !signers.has(key.pubkey.toBase58()))
        return { err: { InstructionError: [index, 'MissingRequiredSignature'] }, units: 0 };
    }
  }
  const message = new TransactionMessage({
    payerKey: ledger.relayer.publicKey,
    recentBlockhash: ledger.svm.latestBlockhash(),
    instructions,
  }).compileToLegacyMessage();
  const count = message.header.numRequiredSignatures;
  const wire = Buffer.concat([Buffer.from([count]), randomBytes(64 * count), message.serialize()]);
  ledger.svm.setSigverify(false);
  let outcome: ReturnType<LiteSvm['sendLegacyTransaction']>;
  try {
    outcome = ledger.svm.sendLegacyTransaction(wire);
  } finally {
    ledger.svm.setSigverify(true);
  }
  const failed = outcome instanceof FailedTransactionMetadata ? outcome : undefined;
  const meta = failed ? failed.meta() : (outcome as TransactionMetadata);
  for (const line of meta.logs()) {
    logs.push(
      depth > 1
        ? line.replace(/invoke \[(\d+)\]$/, (_: string, d: string) => `invoke [${Number(d) + depth - 1}]`)
        : line,
    );
  }
  return { err: failed ? transactionErrorJson(failed) : null, units: Number(meta.computeUnitsConsumed()) };
}
