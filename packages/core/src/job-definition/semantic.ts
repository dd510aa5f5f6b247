/**
 * The rules a JSON Schema cannot express, one module per concern under `rules/`. They run on whatever parts of
 * the document are well-typed, so a document with schema errors still gets its semantic problems reported in
 * the same pass.
 */
import type { ValidationIssue } from './issues.js';
import { createSemanticContext, type SemanticRule } from './rules/context.js';
import { checkDependencies } from './rules/dependencies.js';
import { checkOpIds } from './rules/ids.js';
import { checkLiterals } from './rules/literals.js';
import { checkLogistics } from './rules/logistics.js';
import { checkResults } from './rules/results.js';
import { checkRunArgs } from './rules/run-args.js';
import { checkVolumes } from './rules/volumes.js';

/** The outcome of the semantic pass: errors and warnings. */
export interface SemanticIssues {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** The rules, in the order their issues are reported. */
const RULES: SemanticRule[] = [
  checkOpIds,
  checkDependencies,
  checkVolumes,
  checkRunArgs,
  checkResults,
  checkLiterals,
  checkLogistics,
];

/**
 * Checks the semantic rules of a job definition: unique op ids, dependencies (existing, same group,
 * acyclic), volumes (created before use), exposed ports (valid ranges, no overlaps), literals (existing ops,
 * keys and ports, produced before use), images, paths and regexes.
 *
 * @example
 * ```ts
 * const { errors } = semanticIssues({ ops: [{ id: 'a', type: 'container/run', args: {} }] });
 * errors[0]?.code; // 'image_missing'
 * ```
 */
export function semanticIssues(document: unknown): SemanticIssues {
  const context = createSemanticContext(document);
  for (const rule of RULES) rule(context);
  return { errors: context.errors, warnings: context.warnings };
}
