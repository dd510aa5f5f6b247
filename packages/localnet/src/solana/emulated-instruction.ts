/**
 * One emulated instruction: the {@link InstructionContext} an emulated program runs with (ownership,
 * writability, rent and CPI privilege checks) and the logs and failure the runtime would report. A CPI into
 * another emulated program runs it here too, one level deeper, with the privileges the caller passed on.
 */
import { type AccountMeta, PublicKey, SystemProgram, type TransactionInstruction } from '@solana/web3.js';
import {
  type AccountState,
  type EmulatedProgram,
  type InstructionContext,
  ProgramFailure,
} from './emulation.js';
import type { LedgerAccess } from './executor.js';
import { InstructionFailure, runReal } from './real-transactions.js';
import type { InstructionErrorJson } from './transaction-errors.js';

/** Compute units reported for an emulated instruction. */
const EMULATED_UNITS = 1000;
const SYSTEM = SystemProgram.programId.toBase58();
/** The runtime's deepest invoke: the transaction's instructions are depth 1. */
const MAX_INVOKE_DEPTH = 5;

/** Where an emulated instruction runs: in the transaction itself (depth 1) or called by another program. */
interface Frame {
  /** Index of the transaction's instruction this one runs under. */
  index: number;
  depth: number;
  /** Every account of the transaction: a CPI may only name these. */
  inTransaction: ReadonlySet<string>;
  /** Accounts whose signature the instruction may pass on (the transaction's signers at depth 1). */
  signers: ReadonlySet<string>;
  /** Programs on the call stack, outermost first (the runtime refuses to re-enter one). */
  stack: readonly string[];
}

const toBase58 = (key: PublicKey) => key.toBase58();

/** How a failure reads in the runtime's `Program <id> failed: …` line. */
const failureDetail = (error: InstructionErrorJson) =>
  typeof error === 'object' && 'Custom' in error
    ? `custom program error: 0x${(error.Custom as number).toString(16)}`
    : JSON.stringify(error);

/** The context an emulated instruction runs with: every write checked as the runtime checks it. */
function instructionContext(
  ledger: LedgerAccess,
  program: EmulatedProgram,
  ix: TransactionInstruction,
  frame: Frame,
  logs: string[],
): InstructionContext {
  const id = program.programId.toBase58();
  const writable = new Set(ix.keys.filter((k) => k.isWritable).map((k) => toBase58(k.pubkey)));
  const fail = (error: InstructionErrorJson): never => {
    throw new InstructionFailure(frame.index, error);
  };
  return {
    programId: program.programId,
    instructionIndex: frame.index,
    data: ix.data,
    accounts: ix.keys,
    now: () => Number(ledger.svm.getClock().unixTimestamp),
    slot: () => ledger.slot(),
    log: (line) => logs.push(`Program log: ${line}`),
    rentExempt: (size) => ledger.rentExempt(size),
    getAccount: (address): AccountState | null => {
      const account = ledger.getAccount(address);
      return account ? { ...account, owner: new PublicKey(account.owner) } : null;
    },
    setData: (address, data) => {
      const key = address.toBase58();
      const account = ledger.getAccount(key);
      if (!writable.has(key)) fail('ReadonlyDataModified');
      if (!account || account.owner !== id) fail('ExternalAccountDataModified');
      if (ledger.rentExempt(data.length) > account!.lamports) fail('AccountNotRentExempt');
      ledger.setAccount(key, { ...account!, data: new Uint8Array(data) });
    },
    closeAccount: (address, destination) => {
      const key = address.toBase58();
      const account = ledger.getAccount(key);
      if (!account || account.owner !== id) fail('ExternalAccountLamportSpend');
      if (!writable.has(key) || !writable.has(destination.toBase58())) fail('ReadonlyLamportChange');
      const target = ledger.getAccount(destination) ?? {
        lamports: 0n,
        owner: SYSTEM,
        data: new Uint8Array(0),
        executable: false,
      };
      ledger.setAccount(destination, { ...target, lamports: target.lamports + account!.lamports });
      ledger.setAccount(key, { lamports: 0n, owner: SYSTEM, data: new Uint8Array(0), executable: false });
    },
    invoke: (instructions, signerSeeds = []) => {
      const allowed = new Set(frame.signers);
      for (const seeds of signerSeeds)
        allowed.add(PublicKey.createProgramAddressSync(seeds, program.programId).toBase58());
      for (const cpi of instructions) {
        for (const key of [...cpi.keys.map((k) => k.pubkey), cpi.programId])
          if (!frame.inTransaction.has(key.toBase58())) fail('MissingAccount');
        for (const key of cpi.keys)
          if (key.isWritable && !writable.has(key.pubkey.toBase58())) fail('PrivilegeEscalation');
        for (const key of cpi.keys)
          if (key.isSigner && !allowed.has(key.pubkey.toBase58())) fail('PrivilegeEscalation');
      }
      if (frame.depth + 1 > MAX_INVOKE_DEPTH) fail('CallDepth');
      invokeAll(ledger, instructions, { ...frame, signers: allowed }, logs);
    },
  };
}

/**
 * Runs checked CPIs in order: each one into an emulated program in a nested frame, consecutive real ones as
 * one litesvm sub-transaction. `caller.signers` are the signatures the caller may pass on.
 */
function invokeAll(
  ledger: LedgerAccess,
  instructions: TransactionInstruction[],
  caller: Frame,
  logs: string[],
): void {
  let i = 0;
  while (i < instructions.length) {
    const cpi = instructions[i]!;
    const callee = ledger.emulated.get(cpi.programId.toBase58());
    if (callee) {
      const id = callee.programId.toBase58();
      // Only a program calling itself may appear twice on the stack.
      if (caller.stack.includes(id) && caller.stack.at(-1) !== id)
        throw new InstructionFailure(caller.index, 'ReentrancyNotAllowed');
      runProgram(ledger, callee, cpi, logs, {
        ...caller,
        depth: caller.depth + 1,
        // The callee may pass on the signatures its own instruction carries, no others.
        signers: new Set(cpi.keys.filter((k) => k.isSigner).map((k) => toBase58(k.pubkey))),
        stack: [...caller.stack, id],
      });
      i++;
      continue;
    }
    let j = i;
    while (j < instructions.length && !ledger.emulated.has(instructions[j]!.programId.toBase58())) j++;
    const run = runReal(ledger, instructions.slice(i, j), logs, caller.signers, caller.depth + 1);
    if (run.err) {
      const inner = (run.err as { InstructionError?: [number, InstructionErrorJson] }).InstructionError;
      throw new InstructionFailure(caller.index, inner ? inner[1] : 'ProgramFailedToComplete');
    }
    i = j;
  }
}

/**
 * Runs an emulated program's instruction at `frame.depth` and logs it as the runtime does (invoke, program
 * logs, consumed, success or failed); throws an {@link InstructionFailure} of the transaction's instruction
 * when it fails, so a failing CPI fails its caller with the same error.
 */
function runProgram(
  ledger: LedgerAccess,
  program: EmulatedProgram,
  ix: TransactionInstruction,
  logs: string[],
  frame: Frame,
): void {
  const id = program.programId.toBase58();
  const consumed = `Program ${id} consumed ${EMULATED_UNITS} of 200000 compute units`;
  logs.push(`Program ${id} invoke [${frame.depth}]`);
  try {
    program.execute(instructionContext(ledger, program, ix, frame, logs));
  } catch (error) {
    let detail: InstructionErrorJson;
    if (error instanceof ProgramFailure) {
      logs.push(...error.logs);
      detail = error.error;
    } else if (error instanceof InstructionFailure) {
      detail = error.error;
    } else {
      logs.push(`Program log: panicked: ${(error as Error).message}`);
      detail = 'ProgramFailedToComplete';
    }
    logs.push(consumed, `Program ${id} failed: ${failureDetail(detail)}`);
    throw new InstructionFailure(frame.index, detail, EMULATED_UNITS);
  }
  logs.push(consumed, `Program ${id} success`);
}

/**
 * Runs one emulated instruction of a transaction and logs it as the runtime does; returns the compute units
 * reported, throws an {@link InstructionFailure} when it fails.
 */
export function runEmulated(
  ledger: LedgerAccess,
  program: EmulatedProgram,
  ix: TransactionInstruction,
  index: number,
  metas: AccountMeta[],
  logs: string[],
): number {
  runProgram(ledger, program, ix, logs, {
    index,
    depth: 1,
    inTransaction: new Set(metas.map((m) => toBase58(m.pubkey))),
    signers: new Set(metas.filter((m) => m.isSigner).map((m) => toBase58(m.pubkey))),
    stack: [program.programId.toBase58()],
  });
  return EMULATED_UNITS;
}
