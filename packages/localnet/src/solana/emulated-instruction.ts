/**
 * One emulated instruction: the {@link InstructionContext} an emulated program runs with (ownership,
 * writability, rent and CPI privilege checks) and the logs and failure the runtime would report.
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

/** The context an emulated instruction runs with: every write checked as the runtime checks it. */
function instructionContext(
  ledger: LedgerAccess,
  program: EmulatedProgram,
  ix: TransactionInstruction,
  index: number,
  metas: AccountMeta[],
  logs: string[],
): InstructionContext {
  const id = program.programId.toBase58();
  const writable = new Set(ix.keys.filter((k) => k.isWritable).map((k) => k.pubkey.toBase58()));
  const inTransaction = new Set(metas.map((m) => m.pubkey.toBase58()));
  const txSigners = new Set(metas.filter((m) => m.isSigner).map((m) => m.pubkey.toBase58()));
  const fail = (error: InstructionErrorJson): never => {
    throw new InstructionFailure(index, error);
  };
  return {
    programId: program.programId,
    instructionIndex: index,
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
      const allowed = new Set(txSigners);
      for (const seeds of signerSeeds)
        allowed.add(PublicKey.createProgramAddressSync(seeds, program.programId).toBase58());
      for (const cpi of instructions) {
        for (const key of [...cpi.keys.map((k) => k.pubkey), cpi.programId])
          if (!inTransaction.has(key.toBase58())) fail('MissingAccount');
        for (const key of cpi.keys)
          if (key.isWritable && !writable.has(key.pubkey.toBase58())) fail('PrivilegeEscalation');
        for (const key of cpi.keys)
          if (key.isSigner && !allowed.has(key.pubkey.toBase58())) fail('PrivilegeEscalation');
      }
      const run = runReal(ledger, instructions, logs, allowed, 2);
      if (run.err) {
        const inner = (run.err as { InstructionError?: [number, InstructionErrorJson] }).InstructionError;
        fail(inner ? inner[1] : 'ProgramFailedToComplete');
      }
    },
  };
}

/**
 * Runs one emulated instruction and logs it as the runtime does (invoke, program logs, consumed, success or
 * failed); returns the compute units reported, throws an {@link InstructionFailure} when it fails.
 */
export function runEmulated(
  ledger: LedgerAccess,
  program: EmulatedProgram,
  ix: TransactionInstruction,
  index: number,
  metas: AccountMeta[],
  logs: string[],
): number {
  const id = program.programId.toBase58();
  logs.push(`Program ${id} invoke [1]`);
  const context = instructionContext(ledger, program, ix, index, metas, logs);
  try {
    program.execute(context);
  } catch (error) {
    if (error instanceof ProgramFailure) {
      logs.push(...error.logs);
      logs.push(`Program ${id} consumed ${EMULATED_UNITS} of 200000 compute units`);
      const detail =
        typeof error.error === 'object' && 'Custom' in error.error
          ? `custom program error: 0x${(error.error.Custom as number).toString(16)}`
          : JSON.stringify(error.error);
      logs.push(`Program ${id} failed: ${detail}`);
      throw new InstructionFailure(index, error.error, EMULATED_UNITS);
    }
    if (error instanceof InstructionFailure) {
      logs.push(`Program ${id} consumed ${EMULATED_UNITS} of 200000 compute units`);
      logs.push(`Program ${id} failed: ${JSON.stringify(error.error)}`);
      throw new InstructionFailure(error.index, error.error, EMULATED_UNITS);
    }
    logs.push(`Program log: panicked: ${(error as Error).message}`);
    logs.push(`Program ${id} consumed ${EMULATED_UNITS} of 200000 compute units`);
    logs.push(`Program ${id} failed: ProgramFailedToComplete`);
    throw new InstructionFailure(index, 'ProgramFailedToComplete', EMULATED_UNITS);
  }
  logs.push(`Program ${id} consumed ${EMULATED_UNITS} of 200000 compute units`);
  logs.push(`Program ${id} success`);
  return EMULATED_UNITS;
}
