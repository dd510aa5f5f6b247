import { NosanaError } from '@nosana/core';
import {
  JOBS_PROGRAM_ERRORS,
  type ProgramErrorContext,
  programErrorByName,
  programErrorCode,
} from './errors.js';

const ANCHOR_LOG = /AnchorError[^.]*\. Error Code: (\w+)\. Error Number: (\d+)\. Error Message: (.*?)\.?$/;
const FAILED_LOG = /^Program (\w+) failed: custom program error: 0x([0-9a-f]+)$/i;

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
  const failed = lines.map((l) => FAILED_LOG.exec(l)).find((m) => m !== null);
  const info = JOBS_PROGRAM_ERRORS[custom] ?? {
    name: `Custom${custom}`,
    message: `custom program error ${custom}`,
  };
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

/** The program whose invocation the log line belongs to (the last `Program X invoke` before it). */
function programOf(lines: readonly string[], line: string): string | undefined {
  const index = lines.indexOf(line);
  for (let i = index; i >= 0; i--) {
    const match = /^Program (\w+) invoke/.exec(lines[i]!);
    if (match) return match[1];
  }
  return undefined;
}
