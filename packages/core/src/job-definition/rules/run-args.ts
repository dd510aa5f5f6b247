import { issueAt } from '../issues.js';
import { isObject, isString, type Path, type SemanticContext } from './context.js';
import { checkExpose } from './expose.js';
import { checkAbsolute } from './paths.js';

/**
 * `container/run` args: an image (or global.image), absolute work_dir and resource targets, valid exposed
 * ports; warnings for the deprecated `output` and for `private` without `expose`.
 *
 * @example
 * ```ts
 * const context = createSemanticContext(document);
 * checkRunArgs(context); // image_missing, not_absolute_path, … in context.errors; deprecated in warnings
 * ```
 */
export function checkRunArgs(context: SemanticContext): void {
  const { errors, warnings, global } = context;
  const globalImage = isString(global.image) && global.image.length > 0;
  for (const op of context.ops) {
    if (op.type !== 'container/run') continue;
    const args = op.args;
    const at: Path = ['ops', op.index, 'args'];
    if (isObject(op.raw.args) && args.image === undefined && !globalImage) {
      errors.push(
        issueAt(
          [...at, 'image'],
          'image_missing',
          'required',
          'add an image like "ubuntu:24.04" (or set global.image)',
        ),
      );
    }
    if (isString(args.work_dir)) checkAbsolute(args.work_dir, [...at, 'work_dir'], errors);
    checkExpose(args.expose, [...at, 'expose'], errors);
    if (args.output !== undefined) {
      warnings.push(
        issueAt(
          [...at, 'output'],
          'deprecated',
          'is deprecated and ignored',
          'remove it; collect files with results or resources instead',
        ),
      );
    }
    if (args.private === true && args.expose === undefined) {
      warnings.push(
        issueAt(
          [...at, 'private'],
          'private_without_expose',
          'has no effect: the op exposes no ports',
          'remove it or add expose',
        ),
      );
    }
    if (Array.isArray(args.resources)) {
      args.resources.forEach((resource, j) => {
        if (isObject(resource) && isString(resource.target)) {
          checkAbsolute(resource.target, [...at, 'resources', j, 'target'], errors);
        }
      });
    }
  }
  if (isString(global.work_dir)) checkAbsolute(global.work_dir, ['global', 'work_dir'], errors);
}
