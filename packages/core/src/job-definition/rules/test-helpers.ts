import type { ValidationIssue } from '../issues.js';
import { createSemanticContext, type SemanticRule } from './context.js';

/** A `container/run` op for rule tests. */
export const run = (id: string, args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'container/run',
  args: { image: 'busybox:1.35', ...args },
  ...extra,
});

const brief = (issue: ValidationIssue) => `${issue.path} ${issue.code}: ${issue.message}`;

/** Runs one rule over `document` and returns its errors and warnings as `path code: message` lines. */
export function check(rule: SemanticRule, document: unknown): { errors: string[]; warnings: string[] } {
  const context = createSemanticContext(document);
  rule(context);
  return { errors: context.errors.map(brief), warnings: context.warnings.map(brief) };
}
