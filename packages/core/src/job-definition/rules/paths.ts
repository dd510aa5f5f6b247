import { issueAt, type ValidationIssue } from '../issues.js';
import { isLiteral } from '../literals.js';
import type { Path } from './context.js';

/**
 * Paths inside containers (mount destinations, work_dir, resource targets) are absolute, or literals.
 *
 * @example
 * ```ts
 * const errors: ValidationIssue[] = [];
 * checkAbsolute('data', ['global', 'work_dir'], errors); // errors: not_absolute_path
 * ```
 */
export function checkAbsolute(path: string, at: Path, errors: ValidationIssue[]): void {
  if (path.startsWith('/') || isLiteral(path) || path.startsWith('%%')) return;
  errors.push(
    issueAt(
      at,
      'not_absolute_path',
      `"${path}" is not an absolute path`,
      `write it from the root, e.g. "/${path}"`,
    ),
  );
}
