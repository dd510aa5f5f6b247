import { describe, expect, it } from 'vitest';
import { checkOpIds } from './ids.js';
import { check, run } from './test-helpers.js';

describe('checkOpIds', () => {
  it('reports every duplicate at its own place, naming the first op', () => {
    const { errors } = check(checkOpIds, { ops: [run('a'), run('b'), run('a'), run('a')] });
    expect(errors).toEqual([
      'ops[2].id duplicate_op_id: duplicate id "a" (also used by ops[0])',
      'ops[3].id duplicate_op_id: duplicate id "a" (also used by ops[0])',
    ]);
  });

  it('accepts unique ids and ignores ops without one', () => {
    expect(check(checkOpIds, { ops: [run('a'), { type: 'container/run' }, run('b')] }).errors).toEqual([]);
  });
});
