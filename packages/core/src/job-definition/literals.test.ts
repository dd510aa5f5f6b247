import { describe, expect, it } from 'vitest';
import { findLiterals, isLiteral, parseLiteral } from './literals.js';

describe('literals', () => {
  it('finds every literal in a string with its offset', () => {
    expect(findLiterals('a %%globals.job%% b %%ops.x.host%%')).toEqual([
      { raw: '%%globals.job%%', body: 'globals.job', index: 2 },
      { raw: '%%ops.x.host%%', body: 'ops.x.host', index: 20 },
    ]);
    expect(findLiterals('100% sure, 50%% off')).toEqual([]);
  });

  it.each([
    ['globals.job', { kind: 'global', name: 'job' }],
    ['global.host', { kind: 'global', name: 'host' }],
    ['global.variables.MODEL', { kind: 'variable', name: 'MODEL' }],
    ['ops.a.host', { kind: 'op-host', op: 'a' }],
    ['ops.a.endpoint.8080', { kind: 'op-endpoint', op: 'a', port: '8080' }],
    ['ops.a.deployment_endpoint', { kind: 'op-deployment-endpoint', op: 'a' }],
    ['ops.a.results.port', { kind: 'op-result', op: 'a', key: 'port' }],
  ])('parses %s', (body, reference) => {
    expect(parseLiteral(body, ['a'])).toEqual({ ok: true, reference });
  });

  it('matches op ids that contain dots, longest first', () => {
    expect(parseLiteral('ops.llama3.1.results.url', ['llama3', 'llama3.1'])).toEqual({
      ok: true,
      reference: { kind: 'op-result', op: 'llama3.1', key: 'url' },
    });
  });

  it.each([
    ['globals.nope', /"nope" is not a global/],
    ['env.HOME', /must start with "ops." or "globals."/],
    ['ops.a.status', /"status" is not a field of an op/],
    ['ops.a', /must look like ops.<id>.host/],
  ])('explains why %s is malformed', (body, error) => {
    const result = parseLiteral(body, ['a']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it('tells whole-literal strings apart', () => {
    expect(isLiteral('%%ops.a.host%%')).toBe(true);
    expect(isLiteral('http://%%ops.a.host%%')).toBe(false);
  });
});
