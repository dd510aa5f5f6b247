import { issueAt } from '../issues.js';
import { isObject, isString, type Path, type SemanticContext } from './context.js';

/**
 * Every result's regex (a string, or `{ regex }`) compiles as a JavaScript regular expression.
 *
 * @example
 * ```ts
 * const context = createSemanticContext(document);
 * checkResults(context); // invalid_regex issues in context.errors
 * ```
 */
export function checkResults(context: SemanticContext): void {
  for (const op of context.ops) {
    if (!isObject(op.raw.results)) continue;
    for (const [key, spec] of Object.entries(op.raw.results)) {
      const regex = isString(spec) ? spec : isObject(spec) && isString(spec.regex) ? spec.regex : undefined;
      if (regex === undefined) continue;
      try {
        new RegExp(regex);
      } catch (error) {
        const at: Path = isString(spec)
          ? ['ops', op.index, 'results', key]
          : ['ops', op.index, 'results', key, 'regex'];
        context.errors.push(
          issueAt(
            at,
            'invalid_regex',
            `is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`,
            'fix the pattern (JavaScript syntax; escape backslashes in JSON as "\\\\")',
          ),
        );
      }
    }
  }
}
