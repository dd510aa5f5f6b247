import { issueAt } from '../issues.js';
import type { OpFacts, SemanticContext } from './context.js';

/**
 * Every op id is unique; a duplicate is reported where it appears, naming the first op with that id.
 *
 * @example
 * ```ts
 * const context = createSemanticContext(document);
 * checkOpIds(context); // context.errors gets `duplicate_op_id` issues
 * ```
 */
export function checkOpIds(context: SemanticContext): void {
  const seen = new Map<string, OpFacts>();
  for (const op of context.ops) {
    if (op.id === undefined) continue;
    const first = seen.get(op.id);
    if (!first) {
      seen.set(op.id, op);
      continue;
    }
    context.errors.push(
      issueAt(
        ['ops', op.index, 'id'],
        'duplicate_op_id',
        `duplicate id "${op.id}" (also used by ops[${first.index}])`,
        'give every op a unique id',
      ),
    );
  }
}
