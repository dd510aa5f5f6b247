import type { Operation } from './types.js';

/** A group of ops that run in parallel; groups run one after another. */
export interface FlowGroup<TOp extends { id: string; execution?: { group?: string } } = Operation> {
  name: string;
  ops: TOp[];
}

/** The group an op belongs to: `execution.group`, or its own id when none is set. */
export function groupOf(op: { id: string; execution?: { group?: string } }): string {
  return op.execution?.group ?? op.id;
}

/**
 * Splits ops into groups in order of first appearance — the order the flow runs them in.
 *
 * @example
 * ```ts
 * groupOperations(definition.ops).map((g) => g.name); // ['prepare', 'train', 'upload']
 * ```
 */
export function groupOperations<TOp extends { id: string; execution?: { group?: string } }>(
  ops: readonly TOp[],
): FlowGroup<TOp>[] {
  const groups = new Map<string, FlowGroup<TOp>>();
  for (const op of ops) {
    const name = groupOf(op);
    let group = groups.get(name);
    if (!group) {
      group = { name, ops: [] };
      groups.set(name, group);
    }
    group.ops.push(op);
  }
  return [...groups.values()];
}

/**
 * Finds a dependency cycle among ops (`depends_on` edges) and returns it as a list of ids whose last
 * element repeats the first (`['a', 'b', 'a']`), or undefined when the graph is acyclic. Unknown ids are
 * ignored.
 */
export function findDependencyCycle(
  ops: ReadonlyArray<{ id: string; dependsOn: readonly string[] }>,
): string[] | undefined {
  const edges = new Map(ops.map((op) => [op.id, op.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      if (!edges.has(next)) continue;
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const op of ops) {
    const cycle = visit(op.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Every op `id` depends on, directly or through other dependencies. */
export function transitiveDependencies(
  id: string,
  dependsOn: ReadonlyMap<string, readonly string[]>,
): Set<string> {
  const out = new Set<string>();
  const pending = [...(dependsOn.get(id) ?? [])];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    pending.push(...(dependsOn.get(next) ?? []));
  }
  return out;
}
