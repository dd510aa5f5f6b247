import { describe, expect, it } from 'vitest';
import { checkLiterals } from './literals.js';
import { check, run } from './test-helpers.js';

describe('checkLiterals', () => {
  it('accepts results of earlier ops, exposed endpoints and defined variables', () => {
    const document = {
      global: { variables: { NAME: 'x' } },
      ops: [
        run('make', { expose: 8080 }, { results: { token: 't=(.*)' } }),
        run('use', {
          cmd: ['%%ops.make.results.token%%', '%%ops.make.endpoint.8080%%', '%%globals.variables.NAME%%'],
        }),
      ],
    };
    expect(check(checkLiterals, document)).toEqual({ errors: [], warnings: [] });
  });

  it('reports unknown ops, keys, ports, variables, self references and later ops', () => {
    const { errors } = check(checkLiterals, {
      ops: [
        run('first', { env: { A: '%%ops.second.host%%' } }),
        run('second', {
          cmd: [
            '%%ops.frist.host%%',
            '%%ops.first.results.nope%%',
            '%%ops.first.endpoint.81%%',
            '%%globals.variables.MISSING%%',
            '%%ops.second.host%%',
          ],
        }),
      ],
    });
    expect(errors.map((e) => e.split(':')[0])).toEqual([
      'ops[0].args.env.A literal_not_ready',
      'ops[1].args.cmd[0] unknown_literal_op',
      'ops[1].args.cmd[1] unknown_literal_key',
      'ops[1].args.cmd[2] unknown_literal_port',
      'ops[1].args.cmd[3] unknown_literal_key',
      'ops[1].args.cmd[4] literal_self_reference',
    ]);
  });

  it('warns when a result comes from an op running in parallel', () => {
    const group = { execution: { group: 'g' } };
    const { warnings } = check(checkLiterals, {
      ops: [
        run('a', {}, { ...group, results: { k: '(.*)' } }),
        run('b', { cmd: ['%%ops.a.results.k%%'] }, group),
      ],
    });
    expect(warnings).toEqual([
      'ops[1].args.cmd[0] literal_not_ready: literal %%ops.a.results.k%% refers to op "a", which runs in parallel and may not have produced it yet',
    ]);
  });
});
