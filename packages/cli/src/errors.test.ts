import { NosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, normalizeError } from './errors.js';

describe('exit codes', () => {
  it.each([
    ['CORE__JOB_DEFINITION_INVALID', EXIT.INPUT],
    ['CLI__INVALID_FLAG', EXIT.INPUT],
    ['CHAIN__INSUFFICIENT_NOS', EXIT.INPUT],
    ['CHAIN__NETWORK_UNKNOWN', EXIT.INPUT],
    ['CHAIN__PROGRAM_MARKET_IN_WRONG_STATE', EXIT.INPUT],
    ['NODE__CHECK_FAILED', EXIT.INPUT],
    ['CLI__NODE_REFUSED', EXIT.INPUT],
    ['CLI__JOB_FAILED', EXIT.JOB_FAILED],
    ['CLI__JOB_STOPPED', EXIT.JOB_FAILED],
    ['CHAIN__RPC_UNREACHABLE', EXIT.NETWORK],
    ['CHAIN__TRANSACTION_EXPIRED', EXIT.NETWORK],
    ['CHAIN__IPFS_UNREACHABLE', EXIT.NETWORK],
    ['CHAIN__IPFS_TIMEOUT', EXIT.NETWORK],
    ['RUNTIME__ENGINE_UNREACHABLE', EXIT.NETWORK],
    ['RUNTIME__ENGINE_SETTING_UNREACHABLE', EXIT.NETWORK],
    ['RUNTIME__ENGINE_REQUEST_FAILED', EXIT.NETWORK],
    ['LOCALNET__NOT_RUNNING', EXIT.NETWORK],
    ['CLI__NODE_UNREACHABLE', EXIT.NETWORK],
    ['CLI__URL_UNREACHABLE', EXIT.NETWORK],
    ['CLI__LOCALNET_NOT_RUNNING', EXIT.NETWORK],
    ['CLI__URL_REFUSED', EXIT.INPUT],
    ['CLI__URL_FAILED', EXIT.INPUT],
    ['CLI__INVALID_ARGUMENT', EXIT.INPUT],
    ['CLI__JOB_WRONG_STATE', EXIT.INPUT],
  ])('%s → %i', (code, exit) => {
    expect(exitCodeOf(code)).toBe(exit);
  });
});

describe('normalizeError', () => {
  it('carries what a failed command knows (context.result) for the JSON envelope', () => {
    const result = { job: 'J', final: { state: 'COMPLETED', result: 'Qm…', status: 'failed' } };
    const error = new NosanaError('CLI__JOB_FAILED', 'job J ended with status failed', {
      job: 'J',
      status: 'failed',
      result,
    });
    expect(normalizeError(error)).toMatchObject({ exitCode: EXIT.JOB_FAILED, result });
  });

  it('keeps the code and message of coded errors', () => {
    const error = new NosanaError('CLI__JOB_FAILED', 'job X ended with status failed', {
      job: 'X',
      status: 'failed',
    });
    expect(normalizeError(error)).toEqual({
      code: 'CLI__JOB_FAILED',
      message: 'job X ended with status failed',
      exitCode: 2,
    });
  });

  it('turns file errors into an input error naming the file', () => {
    const error = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT', path: 'job.json' });
    expect(normalizeError(error)).toEqual({
      code: 'CLI__FILE_UNREADABLE',
      message: 'cannot read "job.json": no such file — check the path',
      exitCode: 1,
    });
  });

  it('treats anything else as unexpected', () => {
    expect(normalizeError(new Error('boom'))).toMatchObject({
      code: 'CLI__UNEXPECTED',
      message: 'boom',
      exitCode: 1,
    });
    expect(normalizeError('text')).toMatchObject({ code: 'CLI__UNEXPECTED', message: 'text' });
  });
});
