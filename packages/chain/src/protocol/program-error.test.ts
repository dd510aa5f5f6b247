import { describe, expect, it } from 'vitest';
import { programErrorCode } from './errors.js';
import { programErrorFromLogs, toProgramError } from './program-error.js';

const JOBS = 'nosJhNRqr2bc9g1nfGDcXXTXvYUmxD4cVwy2pMWhrYM';

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
