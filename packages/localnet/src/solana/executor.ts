/**
 * The transaction executor of the ledger: a transaction with at least one emulated instruction is verified,
 * charged and run instruction by instruction as one atomic unit — runs of real instructions as litesvm
 * sub-transactions, emulated ones in TypeScript — and rolled back (fee kept) on failure.
 */
import { createPublicKey, verify } from 'node:crypto';
import {
  type AccountMeta,
  ComputeBudgetProgram,
  type Keypair,
  type PublicKey,
  SystemProgram,
  TransactionInstruction,
  type VersionedTransaction,
} from '@solana/web3.js';
import { runEmulated } from './emulated-instruction.js';
import type { EmulatedProgram } from './emulation.js';
import type { LiteSvm } from './litesvm.js';
import { feeOf, InstructionFailure, runReal } from './real-transactions.js';
import { remapInstructionIndexes, type TransactionErrorJson } from './transaction-errors.js';

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
/** What a deleted account is written as (zero lamports deletes it in litesvm). */
export const EMPTY_ACCOUNT: AccountRecord = {
  lamports: 0n,
  owner: SystemProgram.programId.toBase58(),
  data: new Uint8Array(0),
  executable: false,
};

/** An account record with raw bytes. */
export interface AccountRecord {
  lamports: bigint;
  owner: string;
  data: Uint8Array;
  executable: boolean;
}

/** Result of processing (or simulating) one transaction. */
export interface ProcessResult {
  signature: string;
  err: TransactionErrorJson | null;
  /** True when the transaction was rejected before execution: nothing recorded, no fee. */
  rejected: boolean;
  logs: string[];
  unitsConsumed: number;
  fee: number;
  accountKeys: string[];
  /** Accounts after a simulation, by address. */
  postAccounts?: Map<string, AccountRecord | null>;
  returnData?: { programId: string; data: Uint8Array } | null;
}

/** What the executor needs of the ledger. */
export interface LedgerAccess {
  readonly svm: LiteSvm;
  /** Pays the litesvm sub-transactions of emulated transactions; its balance is restored after each. */
  readonly relayer: Keypair;
  readonly emulated: ReadonlyMap<string, EmulatedProgram>;
  slot(): number;
  getAccount(address: string | PublicKey): AccountRecord | null;
  setAccount(address: string | PublicKey, record: AccountRecord): void;
  rentExempt(size: number): bigint;
}

/** A transaction rejected before execution: nothing recorded, no fee. */
export function rejected(signature: string, err: string, logs: string[]): ProcessResult {
  return { signature, err, rejected: true, logs, unitsConsumed: 0, fee: 0, accountKeys: [] };
}

/** Whether every required signature of `transaction` verifies (ed25519 over the serialized message). */
function signaturesVerify(transaction: VersionedTransaction, metas: AccountMeta[]): boolean {
  const payload = transaction.message.serialize();
  for (let i = 0; i < transaction.message.header.numRequiredSignatures; i++) {
    const key = createPublicKey({
      key: Buffer.concat([SPKI_ED25519, metas[i]!.pubkey.toBuffer()]),
      format: 'der',
      type: 'spki',
    });
    if (!verify(null, payload, key, transaction.signatures[i]!)) return false;
  }
  return true;
}

/** The compute budget program, and the units each of its instructions costs (as in Agave). */
const BUDGET_PROGRAM = ComputeBudgetProgram.programId.toBase58();
const BUDGET_UNITS = 150;

/**
 * Runs the instructions in order, consecutive real ones as one litesvm sub-transaction; the first failure
 * ends the run with its `InstructionError`.
 */
function runInstructions(
  ledger: LedgerAccess,
  transaction: VersionedTransaction,
  metas: AccountMeta[],
  logs: string[],
): { err: TransactionErrorJson | null; units: number } {
  const instructions = transaction.message.compiledInstructions.map(
    (ix) =>
      new TransactionInstruction({
        programId: metas[ix.programIdIndex]!.pubkey,
        keys: ix.accountKeyIndexes.map((i) => metas[i]!),
        data: Buffer.from(ix.data),
      }),
  );
  const isBudget = (ix: TransactionInstruction) => ix.programId.equals(ComputeBudgetProgram.programId);
  const budget = instructions.filter(isBudget);
  const txSigners = new Set(metas.filter((m) => m.isSigner).map((m) => m.pubkey.toBase58()));
  // Sub-transactions of real instructions run with every budget instruction first: their indexes in the transaction.
  const budgetIndexes = instructions.flatMap((ix, k) => (isBudget(ix) ? [k] : []));
  let units = 0;
  let i = 0;
  try {
    while (i < instructions.length) {
      const program = ledger.emulated.get(instructions[i]!.programId.toBase58());
      if (program) {
        units += runEmulated(ledger, program, instructions[i]!, i, metas, logs);
        i++;
        continue;
      }
      let j = i;
      while (j < instructions.length && !ledger.emulated.has(instructions[j]!.programId.toBase58())) j++;
      const indexes: number[] = [];
      for (let k = i; k < j; k++) if (!isBudget(instructions[k]!)) indexes.push(k);
      // Budget instructions are logged and charged once, where they stand, as a validator does.
      for (let k = 0; k < j - i - indexes.length; k++) {
        logs.push(`Program ${BUDGET_PROGRAM} invoke [1]`, `Program ${BUDGET_PROGRAM} success`);
        units += BUDGET_UNITS;
      }
      if (indexes.length > 0) {
        const runLogs: string[] = [];
        const run = runReal(
          ledger,
          [...budget, ...indexes.map((k) => instructions[k]!)],
          runLogs,
          txSigners,
          1,
        );
        // The sub-transaction repeats the budget instructions first: their lines and units are already counted.
        const repeated = runLogs
          .slice(0, 2 * budget.length)
          .every((line) => line.startsWith(`Program ${BUDGET_PROGRAM} `));
        logs.push(...(repeated ? runLogs.slice(2 * budget.length) : runLogs));
        units += repeated ? Math.max(0, run.units - BUDGET_UNITS * budget.length) : run.units;
        if (run.err) {
          return { err: remapInstructionIndexes(run.err, [...budgetIndexes, ...indexes]), units };
        }
      }
      i = j;
    }
    return { err: null, units };
  } catch (error) {
    if (error instanceof InstructionFailure)
      return { err: { InstructionError: [error.index, error.error] }, units: units + error.unitsConsumed };
    logs.push(`Program log: emulator failure: ${(error as Error).message}`);
    return { err: { InstructionError: [i, 'ProgramFailedToComplete'] }, units };
  }
}

/**
 * A transaction with at least one emulated instruction: verified, charged, executed atomically. On failure every
 * account it names is restored and only the fee is kept; a simulation restores everything.
 */
export function processEmulated(
  ledger: LedgerAccess,
  transaction: VersionedTransaction,
  signature: string,
  metas: AccountMeta[],
  simulate: boolean,
  sigVerify: boolean,
): ProcessResult {
  if (sigVerify && !signaturesVerify(transaction, metas)) return rejected(signature, 'SignatureFailure', []);
  const fee = BigInt(feeOf(transaction));
  const feePayer = metas[0]!.pubkey;
  const payer = ledger.getAccount(feePayer);
  if (!payer) return rejected(signature, 'AccountNotFound', []);
  if (payer.lamports < fee) return rejected(signature, 'InsufficientFundsForFee', []);

  const touched = [
    ...new Set([...metas.map((m) => m.pubkey.toBase58()), ledger.relayer.publicKey.toBase58()]),
  ];
  const snapshot = touched.map((k) => [k, ledger.getAccount(k)] as const);
  const restore = () => {
    for (const [k, account] of snapshot) ledger.setAccount(k, account ?? EMPTY_ACCOUNT);
  };
  const chargeFee = () => {
    const account = ledger.getAccount(feePayer)!;
    ledger.setAccount(feePayer, { ...account, lamports: account.lamports - fee });
  };
  chargeFee();

  const logs: string[] = [];
  const { err, units } = runInstructions(ledger, transaction, metas, logs);
  const result: ProcessResult = {
    signature,
    err,
    rejected: false,
    logs,
    unitsConsumed: units,
    fee: Number(fee),
    accountKeys: [],
    returnData: null,
  };
  if (simulate) {
    result.postAccounts = new Map(touched.map((k) => [k, ledger.getAccount(k)]));
    restore();
  } else if (err) {
    restore();
    chargeFee();
  } else {
    // The relayer pays sub-transaction fees; it is infrastructure, so its balance is put back.
    ledger.setAccount(ledger.relayer.publicKey, snapshot.at(-1)![1]!);
  }
  return result;
}
