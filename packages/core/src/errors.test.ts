import { describe, expect, it } from 'vitest';
import { findNosanaError, isNosanaError, NosanaError } from './errors.js';
import { jobStateFromChain } from './job-state.js';

describe('NosanaError', () => {
  it('carries a code, a frozen context, a cause and a JSON form without the stack', () => {
    const cause = new Error('low level');
    const error = new NosanaError('CORE__INVALID_CID', 'bad cid', { cid: 'x' }, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.cause).toBe(cause);
    expect(Object.isFrozen(error.context)).toBe(true);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'NosanaError',
      code: 'CORE__INVALID_CID',
      message: 'bad cid',
      context: { cid: 'x' },
    });
  });

  it('is matched by name and code, also across package copies', () => {
    const foreign = Object.assign(new Error('m'), {
      name: 'NosanaError',
      code: 'CORE__INVALID_CID',
      context: {},
    });
    expect(isNosanaError(foreign, 'CORE__INVALID_CID')).toBe(true);
    expect(isNosanaError(foreign, 'CORE__INVALID_DURATION')).toBe(false);
    expect(isNosanaError(new Error('x'))).toBe(false);
    expect(isNosanaError(null)).toBe(false);
  });

  it('is found along the cause chain', () => {
    const inner = new NosanaError('CORE__INVALID_AMOUNT', 'bad', { input: 'x' });
    const outer = new Error('wrapped', { cause: new Error('middle', { cause: inner }) });
    expect(findNosanaError(outer, 'CORE__INVALID_AMOUNT')).toBe(inner);
    expect(findNosanaError(outer, 'CORE__INVALID_CID')).toBeUndefined();
  });
});

describe('jobStateFromChain', () => {
  it('maps the on-chain state byte and the existence of a Run account', () => {
    expect(jobStateFromChain(0, false)).toBe('QUEUED');
    expect(jobStateFromChain(0, true)).toBe('RUNNING');
    expect(jobStateFromChain(2, false)).toBe('COMPLETED');
    expect(jobStateFromChain(3, false)).toBe('STOPPED');
    expect(jobStateFromChain(3, true)).toBe('RUNNING');
  });
});
