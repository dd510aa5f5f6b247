import { NosanaError } from '@nosana/core';
import type { ProgramErrorContext } from '../errors.js';
import { PROGRAM_ADDRESSES } from './ids.js';
import {
  ANCHOR_ERRORS,
  JOBS_PROGRAM_ERRORS,
  type ProgramErrorInfo,
  programErrorByName,
  programErrorCode,
  STAKING_PROGRAM_ERRORS,
} from './program-error-tables.js';

// Anchor logs an error in one of three forms (anchor-lang `Error::log`): "AnchorError occurred.", "AnchorError
// caused by account: <name>." (account constraints) and "AnchorError thrown in <file>:<line>." (`require!`,
// `err!`); the file name has dots of its own.
const ANCHOR_LOG =
  /AnchorError (?:occurred|caused by account: \S+|thrown in \S+:\d+)\. Error Code: (\w+)\. Error Number: (\d+)\. Error Message: (.*?)\.?$/;
const FAILED_LOG = /^Program (\w+) failed: custom program error: 0x([0-9a-f]+)$/i;
const JOBS_PROGRAMS = new Set([PROGRAM_ADDRESSES.mainnet.jobs, PROGRAM_ADDRESSES.devnet.jobs]);
const STAKING_PROGRAMS = new Set([PROGRAM_ADDRESSES.mainnet.staking, PROGRAM_ADDRESSES.devnet.staking]);

/** What a failed transaction tells us: its logs and/or its error object. */
export interface ProgramErrorSource {
  logs?: readonly string[] | null;
  err?: unknown;
}

/**
 * Turns a failed transaction (its logs and `err`) into a coded `CHAIN__PROGRAM_<NAME>` error, or undefined
 * when no program error is in it. Anchor logs carry the error name, which is needed because the Jobs program's
 * errors and the errors shared by all Nosana programs both start at 6000.
 *
 * @example
 * ```ts
 * const error = programErrorFromLogs({ logs: simulation.value.logs, err: simulation.value.err });
 * if (error?.code === 'CHAIN__PROGRAM_JOB_IN_WRONG_STATE') …
 * ```
 */
export function programErrorFromLogs({
  logs,
  err,
}: ProgramErrorSource): NosanaError<`CHAIN__PROGRAM_${string}`> | undefined {
  const lines = logs ?? [];
  const instruction = instructionIndex(err);
  for (const line of lines) {
    const match = ANCHOR_LOG.exec(line);
    if (match) {
      const [, name, number, message] = match as unknown as [string, string, string, string];
      const program = programOf(lines, line);
      return build(
        {
          errorName: name,
          errorNumber: Number(number),
          logs: [...lines],
          ...(program ? { program } : {}),
          ...(instruction === undefined ? {} : { instruction }),
        },
        message,
      );
    }
  }
  const custom = customCode(err);
  if (custom === undefined) return undefined;
  // The first "failed" line is the innermost program, the one that returned the error.
  const failed = lines.map((l) => FAILED_LOG.exec(l)).find((m) => m !== null);
  const info = customErrorInfo(custom, failed?.[1]);
  return build(
    {
      errorName: info.name,
      errorNumber: custom,
      logs: [...lines],
      ...(failed ? { program: failed[1]! } : {}),
      ...(instruction === undefined ? {} : { instruction }),
    },
    info.message,
  );
}

/**
 * Finds a program error in anything a web3.js or Anchor call threw (SendTransactionError, AnchorError,
 * simulation failures), or undefined.
 *
 * @example
 * ```ts
 * try { await sendAndConfirmTransaction(connection, tx, signers) } catch (e) { throw toProgramError(e) ?? e }
 * ```
 */
export function toProgramError(error: unknown): NosanaError<`CHAIN__PROGRAM_${string}`> | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as {
    logs?: unknown;
    transactionLogs?: unknown;
    transactionError?: unknown;
    error?: unknown;
  };
  const logs = [candidate.logs, candidate.transactionLogs].find(Array.isArray) as string[] | undefined;
  const anchor = candidate.error as
    | { errorCode?: { code?: string; number?: number }; errorMessage?: string }
    | undefined;
  if (anchor?.errorCode?.code && typeof anchor.errorCode.number === 'number') {
    return build(
      { errorName: anchor.errorCode.code, errorNumber: anchor.errorCode.number, ...(logs ? { logs } : {}) },
      anchor.errorMessage ?? programErrorByName(anchor.errorCode.code)?.message ?? anchor.errorCode.code,
    );
  }
  const fromLogs = programErrorFromLogs({ logs: logs ?? [], err: candidate.transactionError });
  if (fromLogs) return fromLogs;
  const message = (error as { message?: unknown }).message;
  const hex = typeof message === 'string' ? /custom program error: 0x([0-9a-f]+)/i.exec(message) : null;
  return hex
    ? programErrorFromLogs({
        logs: logs ?? [],
        err: { InstructionError: [0, { Custom: Number.parseInt(hex[1]!, 16) }] },
      })
    : undefined;
}

function build(context: ProgramErrorContext, message: string): NosanaError<`CHAIN__PROGRAM_${string}`> {
  const code = programErrorCode(context.errorName);
  const where = context.instruction === undefined ? '' : ` (instruction ${context.instruction})`;
  return new NosanaError(
    code,
    `the program rejected the transaction${where}: ${context.errorName} (${context.errorNumber}) — ${message}`,
    context,
  );
}

function instructionIndex(err: unknown): number | undefined {
  const ix = (err as { InstructionError?: [number, unknown] } | undefined)?.InstructionError;
  return Array.isArray(ix) ? ix[0] : undefined;
}

function customCode(err: unknown): number | undefined {
  const ix = (err as { InstructionError?: [number, unknown] } | undefined)?.InstructionError;
  const custom = Array.isArray(ix) ? (ix[1] as { Custom?: unknown } | undefined)?.Custom : undefined;
  return typeof custom === 'number' ? custom : undefined;
}

/**
 * Names a custom error code without an Anchor log line: by the table of the program that failed (the Jobs table
 * when the program is unknown, as most errors clients see come from it). Codes below 6000 are Anchor's own.
 */
function customErrorInfo(custom: number, program: string | undefined): ProgramErrorInfo {
  const known = program === undefined || JOBS_PROGRAMS.has(program) || STAKING_PROGRAMS.has(program);
  let table: Record<number, ProgramErrorInfo> = {};
  if (known && custom < 6000) table = ANCHOR_ERRORS;
  else if (program !== undefined && STAKING_PROGRAMS.has(program)) table = STAKING_PROGRAM_ERRORS;
  else if (known) table = JOBS_PROGRAM_ERRORS;
  return table[custom] ?? { name: `Custom${custom}`, message: `custom program error ${custom}` };
}

/**
 * The program whose invocation the log line belongs to: the innermost invocation still running at that line
 * (a cross-program invocation that returned before it does not count).
 */
function programOf(lines: readonly string[], line: string): string | undefined {
  const stack: string[] = [];
  for (const current of lines.slice(0, lines.indexOf(line))) {
    const invoke = /^Program (\w+) invoke \[\d+\]$/.exec(current);
    if (invoke) stack.push(invoke[1]!);
    else if (/^Program \w+ (?:success$|failed)/.test(current)) stack.pop();
  }
  return stack.at(-1);
}
