import { closest } from '../../text.js';
import { findDependencyCycle } from '../flow.js';
import { issueAt } from '../issues.js';
import { isObject, type OpFacts, type Path, type SemanticContext } from './context.js';

/**
 * `depends_on` names existing ops of the same group, never the op itself, and has no cycles;
 * `stop_if_dependent_stops` needs a dependency.
 *
 * @example
 * ```ts
 * const context = createSemanticContext(document);
 * checkDependencies(context); // unknown_dependency, dependency_cycle, … in context.errors
 * ```
 */
export function checkDependencies(context: SemanticContext): void {
  for (const op of context.ops) {
    for (const [j, dep] of op.dependsOn.entries()) {
      checkDependency(context, op, dep, ['ops', op.index, 'execution', 'depends_on', j]);
    }
    const execution = isObject(op.raw.execution) ? op.raw.execution : undefined;
    if (execution?.stop_if_dependent_stops === true && op.dependsOn.length === 0) {
      context.errors.push(
        issueAt(
          ['ops', op.index, 'execution', 'stop_if_dependent_stops'],
          'stop_without_dependency',
          'has no effect without depends_on',
          'add depends_on or remove stop_if_dependent_stops',
        ),
      );
    }
  }
  const cycle = findDependencyCycle([...context.dependsOn].map(([id, deps]) => ({ id, dependsOn: deps })));
  if (cycle) {
    const first = context.byId.get(cycle[0]!)!;
    context.errors.push(
      issueAt(
        ['ops', first.index, 'execution', 'depends_on'],
        'dependency_cycle',
        `dependency cycle ${cycle.join(' → ')}`,
        'remove one of these dependencies',
      ),
    );
  }
}

function checkDependency(context: SemanticContext, op: OpFacts, dep: string, at: Path): void {
  const { byId, groupName, errors } = context;
  const target = byId.get(dep);
  if (dep === op.id) {
    errors.push(issueAt(at, 'self_dependency', `op "${dep}" depends on itself`, 'remove it from depends_on'));
  } else if (!target) {
    const sameGroup = context.ops
      .filter((o) => o !== op && o.id !== undefined && groupName(o) === groupName(op))
      .map((o) => o.id!);
    const guess = closest(dep, context.ids);
    errors.push(
      issueAt(
        at,
        'unknown_dependency',
        `no op has id "${dep}"`,
        guess
          ? `did you mean "${guess}"?`
          : sameGroup.length > 0
            ? `use the id of an op in group "${groupName(op)}": ${sameGroup.join(', ')}`
            : `no other op is in group "${groupName(op)}"; set the same execution.group on the ops that depend on each other`,
      ),
    );
  } else if (groupName(target) !== groupName(op)) {
    errors.push(
      issueAt(
        at,
        'dependency_in_other_group',
        `"${dep}" is in group "${groupName(target)}", not "${groupName(op)}"`,
        'depends_on only orders ops within one group; groups already run one after another, so drop it or move both ops into the same group',
      ),
    );
  }
}
