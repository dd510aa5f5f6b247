import { describe, expect, it } from 'vitest';
import { findDependencyCycle, groupOperations, transitiveDependencies } from './flow.js';

describe('flow planning', () => {
  it('groups ops in order of first appearance; an op without a group is its own group', () => {
    const groups = groupOperations([
      { id: 'a', execution: { group: 'g1' } },
      { id: 'b' },
      { id: 'c', execution: { group: 'g1' } },
    ]);
    expect(groups.map((g) => [g.name, g.ops.map((o) => o.id)])).toEqual([
      ['g1', ['a', 'c']],
      ['b', ['b']],
    ]);
  });

  it('finds cycles and ignores unknown ids', () => {
    expect(
      findDependencyCycle([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['c', 'x'] },
        { id: 'c', dependsOn: ['a'] },
      ]),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findDependencyCycle([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['x'] },
      ]),
    ).toBeUndefined();
  });

  it('collects transitive dependencies', () => {
    const deps = new Map([
      ['c', ['b']],
      ['b', ['a']],
      ['a', []],
    ]);
    expect([...transitiveDependencies('c', deps)].sort()).toEqual(['a', 'b']);
  });
});
