import { closest } from '../../text.js';
import { issueAt, type ValidationIssue } from '../issues.js';
import { findLiterals, parseLiteral } from '../literals.js';
import { isObject, isString, type OpFacts, type Path, type SemanticContext } from './context.js';

type Reference = Extract<ReturnType<typeof parseLiteral>, { ok: true }>['reference'];

/**
 * Literals in op args (`%%ops.<id>.results.<key>%%`, `%%ops.<id>.host%%`, `%%globals.<variable>%%`, …) parse,
 * refer to existing ops, result keys, exposed ports and variables, and to ops that run before the op using them.
 *
 * @example
 * ```ts
 * const context = createSemanticContext(document);
 * checkLiterals(context); // unknown_literal_op, literal_not_ready, … in context.errors / warnings
 * ```
 */
export function checkLiterals(context: SemanticContext): void {
  const variables = isObject(context.global.variables) ? context.global.variables : {};
  for (const op of context.ops) {
    walkStrings(op.args, ['ops', op.index, 'args'], (text, at) => {
      for (const occurrence of findLiterals(text)) {
        const parsed = parseLiteral(occurrence.body, context.ids);
        if (!parsed.ok) {
          context.errors.push(issueAt(at, 'invalid_literal', `literal ${occurrence.raw} ${parsed.error}`));
          continue;
        }
        const ref = parsed.reference;
        if (ref.kind === 'global') continue;
        if (ref.kind === 'variable') checkVariable(context, variables, ref.name, occurrence.raw, at);
        else checkOpReference(context, op, ref, occurrence.raw, at);
      }
    });
  }
}

function checkVariable(
  context: SemanticContext,
  variables: Record<string, unknown>,
  name: string,
  raw: string,
  at: Path,
): void {
  if (name in variables) return;
  const guess = closest(name, Object.keys(variables));
  context.errors.push(
    issueAt(
      at,
      'unknown_literal_key',
      `literal ${raw} names variable "${name}", which global.variables does not define`,
      guess ? `did you mean "${guess}"?` : `add "${name}" to global.variables`,
    ),
  );
}

function checkOpReference(
  context: SemanticContext,
  op: OpFacts,
  ref: Exclude<Reference, { kind: 'global' | 'variable' }>,
  raw: string,
  at: Path,
): void {
  const problem = referenceProblem(context, op, ref, raw, at);
  if (problem) {
    context.errors.push(problem);
    return;
  }
  const producer = context.byId.get(ref.op)!;
  const order = context.runsBefore(producer, op);
  if (order === 'after') {
    context.errors.push(
      issueAt(
        at,
        'literal_not_ready',
        `literal ${raw} refers to op "${ref.op}", which runs in a later group`,
        'move that op to an earlier group',
      ),
    );
  } else if (order === 'parallel' && ref.kind === 'op-result') {
    context.warnings.push(
      issueAt(
        at,
        'literal_not_ready',
        `literal ${raw} refers to op "${ref.op}", which runs in parallel and may not have produced it yet`,
        `add "${ref.op}" to execution.depends_on`,
      ),
    );
  }
}

/** What is wrong with a reference to another op, if anything (the run order aside). */
function referenceProblem(
  context: SemanticContext,
  op: OpFacts,
  ref: Exclude<Reference, { kind: 'global' | 'variable' }>,
  raw: string,
  at: Path,
): ValidationIssue | undefined {
  const producer = context.byId.get(ref.op);
  if (!producer) {
    const guess = closest(ref.op, context.ids);
    return issueAt(
      at,
      'unknown_literal_op',
      `literal ${raw} refers to op "${ref.op}", which does not exist`,
      guess ? `did you mean "${guess}"?` : `use one of the op ids: ${context.ids.join(', ')}`,
    );
  }
  if (producer === op) {
    return issueAt(
      at,
      'literal_self_reference',
      `literal ${raw} refers to the op it is in`,
      'refer to another op',
    );
  }
  if (ref.kind === 'op-result' && !producer.resultKeys.has(ref.key)) {
    const guess = closest(ref.key, [...producer.resultKeys]);
    return issueAt(
      at,
      'unknown_literal_key',
      `literal ${raw}: op "${ref.op}" defines no result "${ref.key}"`,
      guess ? `did you mean "${guess}"?` : `add "${ref.key}" to ops[${producer.index}].results`,
    );
  }
  if (ref.kind === 'op-endpoint' && producer.portsKnown && !producer.ports.has(Number(ref.port))) {
    return issueAt(
      at,
      'unknown_literal_port',
      `literal ${raw}: op "${ref.op}" does not expose port ${ref.port}`,
      producer.ports.size > 0
        ? `it exposes ${[...producer.ports].join(', ')}`
        : `add ${ref.port} to its expose`,
    );
  }
  return undefined;
}

/** Calls `visit` for every string (values and object keys' values) under `value`. */
function walkStrings(value: unknown, at: Path, visit: (text: string, at: Path) => void): void {
  if (isString(value)) visit(value, at);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walkStrings(item, [...at, i], visit);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) walkStrings(item, [...at, key], visit);
  }
}
