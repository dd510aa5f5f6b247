/**
 * The interface between the localnet's transaction processor and programs emulated in TypeScript.
 *
 * An emulated instruction runs inside the same atomic transaction as real ones: it reads and writes accounts
 * through an {@link InstructionContext} (which enforces ownership, writability and rent), moves lamports and
 * tokens only through CPIs to the real System/Token programs (`invoke`, which also calls other emulated
 * programs), and fails by throwing a {@link ProgramFailure}; the processor then rolls the whole transaction back
 * and charges the fee, as the runtime does.
 */
import type { AccountMeta, PublicKey, TransactionInstruction } from '@solana/web3.js';
import type { InstructionErrorJson } from './transaction-errors.js';

/** An account as an emulated program sees it. */
export interface AccountState {
  lamports: bigint;
  owner: PublicKey;
  data: Uint8Array;
  executable: boolean;
}

/** What an emulated instruction can do. */
export interface InstructionContext {
  programId: PublicKey;
  /** Index of this instruction in the transaction (for a CPI, of the transaction's instruction that made it). */
  instructionIndex: number;
  data: Uint8Array;
  /** The instruction's accounts, in order, with the flags of the transaction message. */
  accounts: readonly AccountMeta[];
  /** The cluster clock's unix timestamp (seconds). */
  now(): number;
  slot(): number;
  log(message: string): void;
  getAccount(address: PublicKey): AccountState | null;
  /** Writes account data: the account must be writable, owned by this program and rent-exempt for the size. */
  setData(address: PublicKey, data: Uint8Array): void;
  /**
   * Closes an account this program owns: its lamports go to `destination` (writable) and it is deleted, as
   * Anchor's `close = destination` does.
   */
  closeAccount(address: PublicKey, destination: PublicKey): void;
  rentExempt(size: number): bigint;
  /**
   * Cross-program invocation of real programs (System, Token, ATA) and of emulated ones (run one invoke level
   * deeper, with the signatures and writable accounts passed to them). Signers are the ones this instruction may
   * pass on (the transaction's signers, or those of the instruction that invoked this one) plus the PDAs of this
   * program derived from `signerSeeds`; every account must be in the transaction, no CPI may write an account
   * this instruction has read-only, and a failing CPI fails this instruction with its error.
   */
  invoke(instructions: TransactionInstruction[], signerSeeds?: Uint8Array[][]): void;
}

/** A program whose instructions the localnet executes in TypeScript. */
export interface EmulatedProgram {
  programId: PublicKey;
  /** Name used in logs, e.g. `nosana_jobs`. */
  name: string;
  execute(context: InstructionContext): void;
}

/**
 * Thrown by an emulated program to fail the instruction. `error` becomes the `InstructionError` detail (e.g.
 * `{ Custom: 6004 }`), `logs` are appended to the transaction's logs (Anchor's error line, typically).
 */
export class ProgramFailure extends Error {
  constructor(
    readonly error: InstructionErrorJson,
    readonly logs: string[] = [],
  ) {
    super(typeof error === 'string' ? error : JSON.stringify(error));
    this.name = 'ProgramFailure';
  }
}

/**
 * Thrown where the real program would panic (an arithmetic overflow, an `unwrap` on an error): the instruction
 * fails with `ProgramFailedToComplete` and the message is logged as the panic, as the runtime does.
 */
export class ProgramPanic extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramPanic';
  }
}

/**
 * An Anchor error, logged the way Anchor logs it so clients (web3.js, Anchor, `@nosana/chain`) can parse it.
 *
 * @example
 * ```ts
 * throw anchorError(6004, 'JobInWrongState', 'This job does not have the right status.', 'job');
 * ```
 */
export function anchorError(number: number, name: string, message: string, account?: string): ProgramFailure {
  const where = account ? `AnchorError caused by account: ${account}.` : 'AnchorError occurred.';
  return new ProgramFailure({ Custom: number }, [
    `Program log: ${where} Error Code: ${name}. Error Number: ${number}. Error Message: ${message}.`,
  ]);
}
