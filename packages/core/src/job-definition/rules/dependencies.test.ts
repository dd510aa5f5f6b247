import { describe, expect, it } from 'vitest';
import { checkDependencies } from './dependencies.js';
import { check, run } from './test-helpers.js';

const dependent = (id: string, dependsOn: string[], group = 'g') =>
  run(id, {}, { execution: { group, depends_on: dependsOn } });

describe('checkDependencies', () => {
  it('accepts dependencies within a group', () => {
    expect(check(checkDependencies, { ops: [dependent('a', []), dependent('b', ['a'])] }).errors).toEqual([]);
  });

  it('reports self, unknown (with a suggestion) and cross-group dependencies', () => {
    const { errors } = check(checkDependencies, {
      ops: [
        dependent('build', []),
        dependent('test', ['test', 'biuld', 'deploy']),
        dependent('deploy', [], 'h'),
      ],
    });
    expect(errors).toEqual([
      'ops[1].execution.depends_on[0] self_dependency: op "test" depends on itself',
      'ops[1].execution.depends_on[1] unknown_dependency: no op has id "biuld"',
      'ops[1].execution.depends_on[2] dependency_in_other_group: "deploy" is in group "h", not "g"',
    ]);
  });

  it('reports a cycle once, at its first op', () => {
    const { errors } = check(checkDependencies, { ops: [dependent('a', ['b']), dependent('b', ['a'])] });
    expect(errors).toEqual(['ops[0].execution.depends_on dependency_cycle: dependency cycle a → b → a']);
  });

  it('reports stop_if_dependent_stops without dependencies', () => {
    const { errors } = check(checkDependencies, {
      ops: [run('a', {}, { execution: { stop_if_dependent_stops: true } })],
    });
    expect(errors).toEqual([
      'ops[0].execution.stop_if_dependent_stops stop_without_dependency: has no effect without depends_on',
    ]);
  });
});
