import { describe, expect, it } from 'vitest';
import { checkResults } from './results.js';
import { check, run } from './test-helpers.js';

describe('checkResults', () => {
  it('accepts valid regexes in both forms', () => {
    const document = {
      ops: [run('a', {}, { results: { x: 'v=(\\d+)', y: { regex: '^ok$', logType: 'stdout' } } })],
    };
    expect(check(checkResults, document).errors).toEqual([]);
  });

  it('reports invalid regexes at the string or at its regex property', () => {
    const { errors } = check(checkResults, {
      ops: [run('a', {}, { results: { x: '(', y: { regex: '[' } } })],
    });
    expect(errors).toEqual([
      'ops[0].results.x invalid_regex: is not a valid regular expression: /(/: Unterminated group',
      'ops[0].results.y.regex invalid_regex: is not a valid regular expression: /[/: Unterminated character class',
    ]);
  });
});
