import { closest } from '../../text.js';
import { issueAt } from '../issues.js';
import { isObject, isString, type OpFacts, type Path, type SemanticContext } from './context.js';
import { checkAbsolute } from './paths.js';

/**
 * Volumes are created once, before (an earlier group, or a dependency) every op that mounts them, and each
 * op mounts them at distinct absolute paths.
 *
 * @example
 * ```ts
 * const context = createSemanticContext(document);
 * checkVolumes(context); // unknown_volume, volume_not_ready, duplicate_mount, … in context.errors
 * ```
 */
export function checkVolumes(context: SemanticContext): void {
  const volumes = new Map<string, OpFacts>();
  for (const op of context.ops) {
    if (op.type !== 'container/create-volume' || !isString(op.args.name)) continue;
    const existing = volumes.get(op.args.name);
    if (existing) {
      context.errors.push(
        issueAt(
          ['ops', op.index, 'args', 'name'],
          'duplicate_volume',
          `volume "${op.args.name}" is already created by ops[${existing.index}]`,
          'create each volume once and mount it from every op that needs it',
        ),
      );
    } else volumes.set(op.args.name, op);
  }
  for (const op of context.ops) {
    if (op.type !== 'container/run' || !Array.isArray(op.args.volumes)) continue;
    const dests = new Map<string, number>();
    op.args.volumes.forEach((mount, j) => {
      if (!isObject(mount)) return;
      const at: Path = ['ops', op.index, 'args', 'volumes', j];
      if (isString(mount.name)) checkMountedVolume(context, volumes, op, mount.name, [...at, 'name']);
      if (!isString(mount.dest)) return;
      checkAbsolute(mount.dest, [...at, 'dest'], context.errors);
      const previous = dests.get(mount.dest);
      if (previous === undefined) {
        dests.set(mount.dest, j);
        return;
      }
      context.errors.push(
        issueAt(
          [...at, 'dest'],
          'duplicate_mount',
          `"${mount.dest}" is already mounted by volumes[${previous}]`,
          'mount each volume at its own path',
        ),
      );
    });
  }
}

function checkMountedVolume(
  context: SemanticContext,
  volumes: Map<string, OpFacts>,
  op: OpFacts,
  name: string,
  at: Path,
): void {
  const creator = volumes.get(name);
  if (!creator) {
    const guess = closest(name, [...volumes.keys()]);
    context.errors.push(
      issueAt(
        at,
        'unknown_volume',
        `no container/create-volume op creates volume "${name}"`,
        guess
          ? `did you mean "${guess}"?`
          : `add an op { "type": "container/create-volume", "id": "create-${name}", "args": { "name": "${name}" } } before this one`,
      ),
    );
    return;
  }
  const order = context.runsBefore(creator, op);
  if (order === 'after') {
    context.errors.push(
      issueAt(
        at,
        'volume_created_later',
        `volume "${name}" is created by ops[${creator.index}] in a later group`,
        'move the create-volume op to an earlier group',
      ),
    );
  } else if (order === 'parallel') {
    context.errors.push(
      issueAt(
        at,
        'volume_not_ready',
        `volume "${name}" is created by "${creator.id}", which runs in parallel with this op`,
        `add "${creator.id}" to execution.depends_on, or put it in an earlier group`,
      ),
    );
  }
}
