import { describe, expect, it } from 'vitest';
import { programErrorFromLogs, toProgramError } from './program-error.js';
import { ANCHOR_ERRORS, programErrorCode } from './program-error-tables.js';

const JOBS = 'nosJhNRqr2bc9g1nfGDcXXTXvYUmxD4cVwy2pMWhrYM';
const STAKING = 'nosScmHY2uR24Zh751PmGj9ww9QRNHewh9H59AfrTJE';
const SYSTEM = '11111111111111111111111111111111';
const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';

describe('program errors', () => {
  it('names codes after the Anchor error', () => {
    expect(programErrorCode('JobInWrongState')).toBe('CHAIN__PROGRAM_JOB_IN_WRONG_STATE');
    expect(programErrorCode('InvalidATA')).toBe('CHAIN__PROGRAM_INVALID_ATA');
    expect(programErrorCode('ConstraintHasOne')).toBe('CHAIN__PROGRAM_CONSTRAINT_HAS_ONE');
  });

  it('reads the error name from Anchor logs (6000 is ambiguous between the Jobs and the common errors)', () => {
    const logs = [
      `Program ${JOBS} invoke [1]`,
      'Program log: Instruction: Quit',
      'Program log: AnchorError caused by account: run. Error Code: Unauthorized. Error Number: 6000. Error Message: This account is not authorized to perform this action.',
      `Program ${JOBS} failed: custom program error: 0x1770`,
    ];
    const error = programErrorFromLogs({ logs, err: { InstructionError: [1, { Custom: 6000 }] } });
    expect(error?.code).toBe('CHAIN__PROGRAM_UNAUTHORIZED');
    expect(error?.context).toMatchObject({
      errorName: 'Unauthorized',
      errorNumber: 6000,
      program: JOBS,
      instruction: 1,
    });
    expect(error?.message).toBe(
      'the program rejected the transaction (instruction 1): Unauthorized (6000) — This account is not authorized to perform this action',
    );
  });

  it('reads errors raised with require! ("AnchorError thrown in <file>:<line>.", a file name with dots)', () => {
    const logs = [
      `Program ${STAKING} invoke [1]`,
      'Program log: Instruction: Stake',
      'Program log: AnchorError thrown in programs/nosana-staking/src/instructions/stake.rs:45. Error Code: DurationTooShort. Error Number: 6007. Error Message: This stake duration is not long enough.',
      `Program ${STAKING} consumed 9000 of 200000 compute units`,
      `Program ${STAKING} failed: custom program error: 0x1777`,
    ];
    const error = programErrorFromLogs({ logs, err: { InstructionError: [0, { Custom: 6007 }] } });
    // 6007 is JobInvalidProject in the Jobs table: only the log line names the staking error.
    expect(error?.code).toBe('CHAIN__PROGRAM_DURATION_TOO_SHORT');
    expect(error?.context).toMatchObject({ errorNumber: 6007, program: STAKING });
    expect(error?.message).toContain('This stake duration is not long enough');
  });

  it('attributes an error to the program still running, not to a CPI that already returned', () => {
    // Anchor creates `init` accounts (a System program CPI) before it checks the other accounts' constraints.
    const logs = [
      `Program ${JOBS} invoke [1]`,
      'Program log: Instruction: List',
      `Program ${SYSTEM} invoke [2]`,
      `Program ${SYSTEM} success`,
      'Program log: AnchorError caused by account: market. Error Code: InvalidVault. Error Number: 6007. Error Message: This account has an invalid vault.',
      `Program ${JOBS} consumed 20000 of 200000 compute units`,
      `Program ${JOBS} failed: custom program error: 0x1777`,
    ];
    const error = programErrorFromLogs({ logs, err: { InstructionError: [0, { Custom: 6007 }] } });
    expect(error?.code).toBe('CHAIN__PROGRAM_INVALID_VAULT');
    expect(error?.context.program).toBe(JOBS);
  });

  it('without an Anchor log line, names a custom code after the table of the program that failed', () => {
    const failing = (program: string, code: number) =>
      programErrorFromLogs({
        logs: [
          `Program ${JOBS} invoke [1]`,
          ...(program === JOBS ? [] : [`Program ${program} invoke [2]`]),
          `Program ${program} failed: custom program error: 0x${code.toString(16)}`,
          ...(program === JOBS
            ? []
            : [`Program ${JOBS} failed: custom program error: 0x${code.toString(16)}`]),
        ],
        err: { InstructionError: [0, { Custom: code }] },
      });
    expect(failing(STAKING, 6007)?.code).toBe('CHAIN__PROGRAM_DURATION_TOO_SHORT');
    expect(failing(JOBS, 6007)?.code).toBe('CHAIN__PROGRAM_JOB_INVALID_PROJECT');
    expect(failing(JOBS, 3012)?.code).toBe('CHAIN__PROGRAM_ACCOUNT_NOT_INITIALIZED');
    // An SPL Token error (1 = insufficient funds) is not a Nosana or Anchor error.
    expect(failing(TOKEN, 1)?.code).toBe('CHAIN__PROGRAM_CUSTOM1');
    expect(failing(TOKEN, 1)?.context.program).toBe(TOKEN);
  });

  it("knows the Anchor 1.0 framework errors the programs' account structs can raise", () => {
    expect(ANCHOR_ERRORS[2040]).toEqual({
      name: 'ConstraintDuplicateMutableAccount',
      message: 'A duplicate mutable account constraint was violated',
    });
    expect(ANCHOR_ERRORS[3004]?.name).toBe('AccountDidNotSerialize');
    expect(ANCHOR_ERRORS[3015]?.name).toBe('AccountSysvarMismatch');
    expect(ANCHOR_ERRORS[4101]?.name).toBe('TryingToInitPayerAsProgramAccount');
    expect(
      programErrorFromLogs({
        logs: [
          `Program ${JOBS} invoke [1]`,
          'Program log: AnchorError caused by account: user. Error Code: ConstraintDuplicateMutableAccount. Error Number: 2040. Error Message: A duplicate mutable account constraint was violated.',
        ],
        err: { InstructionError: [0, { Custom: 2040 }] },
      })?.code,
    ).toBe('CHAIN__PROGRAM_CONSTRAINT_DUPLICATE_MUTABLE_ACCOUNT');
  });

  it('falls back to the Jobs error table when only the custom code is known', () => {
    const error = programErrorFromLogs({ logs: [], err: { InstructionError: [0, { Custom: 6004 }] } });
    expect(error?.code).toBe('CHAIN__PROGRAM_JOB_IN_WRONG_STATE');
  });

  it('understands what web3.js and Anchor throw', () => {
    const send = Object.assign(
      new Error(
        'Simulation failed. Message: Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1775',
      ),
      { logs: [] },
    );
    expect(toProgramError(send)?.code).toBe('CHAIN__PROGRAM_JOB_NOT_EXPIRED');
    const anchor = {
      error: {
        errorCode: { code: 'NodeAlreadyQueued', number: 6014 },
        errorMessage: 'This node is already present in the queue.',
      },
      logs: [],
    };
    expect(toProgramError(anchor)?.code).toBe('CHAIN__PROGRAM_NODE_ALREADY_QUEUED');
    expect(toProgramError(new Error('fetch failed'))).toBeUndefined();
  });
});
