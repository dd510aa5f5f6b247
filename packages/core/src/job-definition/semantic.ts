/**
 * The rules a JSON Schema cannot express. They run on whatever parts of the document are well-typed, so a
 * document with schema errors still gets its semantic problems reported in the same pass.
 */
import { closest } from '../text.js';
import { findDependencyCycle, transitiveDependencies } from './flow.js';
import { issueAt, type ValidationIssue } from './issues.js';
import { findLiterals, isLiteral, parseLiteral } from './literals.js';
import { JOB_DEFINITION_LIMITS } from './schema.js';

type Path = Array<string | number>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isString) : []);

/** The facts about one op the rules need, read defensively from the raw document. */
interface OpFacts {
  index: number;
  id: string | undefined;
  type: unknown;
  group: string | undefined;
  dependsOn: string[];
  args: Record<string, unknown>;
  raw: Record<string, unknown>;
  resultKeys: Set<string>;
  /** Concrete ports this op exposes (literals and spreads excluded). */
  ports: Set<number>;
  /** False when the expose list contains literals or spreads, so its ports are not all known. */
  portsKnown: boolean;
}

/** The outcome of the semantic pass: errors and warnings. */
export interface SemanticIssues {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/**
 * Checks the semantic rules of a job definition: unique op ids, dependencies (existing, same group,
 * acyclic), volumes (created before use), exposed ports (valid ranges, no overlaps), literals (existing ops,
 * keys and ports, produced before use), images, paths and regexes.
 */
export function semanticIssues(document: unknown): SemanticIssues {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  if (!isObject(document)) return { errors, warnings };

  const rawOps = Array.isArray(document.ops) ? document.ops : [];
  const ops: OpFacts[] = rawOps.flatMap((raw, index) => (isObject(raw) ? [readOp(raw, index)] : []));
  const global = isObject(document.global) ? document.global : {};

  // Unique op ids.
  const byId = new Map<string, OpFacts>();
  for (const op of ops) {
    if (op.id === undefined) continue;
    const first = byId.get(op.id);
    if (first) {
      errors.push(
        issueAt(
          ['ops', op.index, 'id'],
          'duplicate_op_id',
          `duplicate id "${op.id}" (also used by ops[${first.index}])`,
          'give every op a unique id',
        ),
      );
    } else byId.set(op.id, op);
  }
  const ids = [...byId.keys()];
  const groupName = (op: OpFacts) => op.group ?? op.id ?? `#${op.index}`;
  const groupOrder = new Map<string, number>();
  for (const op of ops) if (!groupOrder.has(groupName(op))) groupOrder.set(groupName(op), groupOrder.size);
  // Edges of the first op with each id (duplicates are reported above); self-edges are reported on their own.
  const dependsOn = new Map(
    [...byId].map(([id, op]) => [id, op.dependsOn.filter((dep) => dep !== id)] as const),
  );

  // Dependencies.
  for (const op of ops) {
    const execution = isObject(op.raw.execution) ? op.raw.execution : undefined;
    op.dependsOn.forEach((dep, j) => {
      const at: Path = ['ops', op.index, 'execution', 'depends_on', j];
      const target = byId.get(dep);
      if (dep === op.id) {
        errors.push(
          issueAt(at, 'self_dependency', `op "${dep}" depends on itself`, 'remove it from depends_on'),
        );
      } else if (!target) {
        const sameGroup = ops
          .filter((o) => o !== op && o.id !== undefined && groupName(o) === groupName(op))
          .map((o) => o.id!);
        const guess = closest(dep, ids);
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
    });
    if (execution?.stop_if_dependent_stops === true && op.dependsOn.length === 0) {
      errors.push(
        issueAt(
          ['ops', op.index, 'execution', 'stop_if_dependent_stops'],
          'stop_without_dependency',
          'has no effect without depends_on',
          'add depends_on or remove stop_if_dependent_stops',
        ),
      );
    }
  }
  const cycle = findDependencyCycle([...dependsOn].map(([id, deps]) => ({ id, dependsOn: deps })));
  if (cycle) {
    const first = byId.get(cycle[0]!)!;
    errors.push(
      issueAt(
        ['ops', first.index, 'execution', 'depends_on'],
        'dependency_cycle',
        `dependency cycle ${cycle.join(' → ')}`,
        'remove one of these dependencies',
      ),
    );
  }
  /** True when `producer` has finished (or at least started) before `consumer` starts. */
  const runsBefore = (producer: OpFacts, consumer: OpFacts): 'before' | 'parallel' | 'after' => {
    const p = groupOrder.get(groupName(producer))!;
    const c = groupOrder.get(groupName(consumer))!;
    if (p < c) return 'before';
    if (p > c) return 'after';
    if (consumer.id !== undefined && producer.id !== undefined) {
      if (transitiveDependencies(consumer.id, dependsOn).has(producer.id)) return 'before';
    }
    return 'parallel';
  };

  // Volumes.
  const volumes = new Map<string, OpFacts>();
  for (const op of ops) {
    if (op.type !== 'container/create-volume' || !isString(op.args.name)) continue;
    const existing = volumes.get(op.args.name);
    if (existing) {
      errors.push(
        issueAt(
          ['ops', op.index, 'args', 'name'],
          'duplicate_volume',
          `volume "${op.args.name}" is already created by ops[${existing.index}]`,
          'create each volume once and mount it from every op that needs it',
        ),
      );
    } else volumes.set(op.args.name, op);
  }
  for (const op of ops) {
    if (op.type !== 'container/run' || !Array.isArray(op.args.volumes)) continue;
    const dests = new Map<string, number>();
    op.args.volumes.forEach((mount, j) => {
      if (!isObject(mount)) return;
      const at: Path = ['ops', op.index, 'args', 'volumes', j];
      if (isString(mount.name)) {
        const creator = volumes.get(mount.name);
        if (!creator) {
          const guess = closest(mount.name, [...volumes.keys()]);
          errors.push(
            issueAt(
              [...at, 'name'],
              'unknown_volume',
              `no container/create-volume op creates volume "${mount.name}"`,
              guess
                ? `did you mean "${guess}"?`
                : `add an op { "type": "container/create-volume", "id": "create-${mount.name}", "args": { "name": "${mount.name}" } } before this one`,
            ),
          );
        } else {
          const order = runsBefore(creator, op);
          if (order === 'after') {
            errors.push(
              issueAt(
                [...at, 'name'],
                'volume_created_later',
                `volume "${mount.name}" is created by ops[${creator.index}] in a later group`,
                'move the create-volume op to an earlier group',
              ),
            );
          } else if (order === 'parallel') {
            errors.push(
              issueAt(
                [...at, 'name'],
                'volume_not_ready',
                `volume "${mount.name}" is created by "${creator.id}", which runs in parallel with this op`,
                `add "${creator.id}" to execution.depends_on, or put it in an earlier group`,
              ),
            );
          }
        }
      }
      if (isString(mount.dest)) {
        checkAbsolute(mount.dest, [...at, 'dest'], errors);
        const previous = dests.get(mount.dest);
        if (previous !== undefined) {
          errors.push(
            issueAt(
              [...at, 'dest'],
              'duplicate_mount',
              `"${mount.dest}" is already mounted by volumes[${previous}]`,
              'mount each volume at its own path',
            ),
          );
        } else dests.set(mount.dest, j);
      }
    });
  }

  // Per-op rules on container/run args.
  const globalImage = isString(global.image) && global.image.length > 0;
  for (const op of ops) {
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

  // Results: valid regular expressions.
  for (const op of ops) {
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
        errors.push(
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

  // Literals in op args (and global env/variables, which are merged into args).
  const variables = isObject(global.variables) ? global.variables : {};
  for (const op of ops) {
    walkStrings(op.args, ['ops', op.index, 'args'], (text, at) => {
      for (const occurrence of findLiterals(text)) {
        const parsed = parseLiteral(occurrence.body, ids);
        if (!parsed.ok) {
          errors.push(issueAt(at, 'invalid_literal', `literal ${occurrence.raw} ${parsed.error}`));
          continue;
        }
        const ref = parsed.reference;
        if (ref.kind === 'global') continue;
        if (ref.kind === 'variable') {
          if (!(ref.name in variables)) {
            const guess = closest(ref.name, Object.keys(variables));
            errors.push(
              issueAt(
                at,
                'unknown_literal_key',
                `literal ${occurrence.raw} names variable "${ref.name}", which global.variables does not define`,
                guess ? `did you mean "${guess}"?` : `add "${ref.name}" to global.variables`,
              ),
            );
          }
          continue;
        }
        const producer = byId.get(ref.op);
        if (!producer) {
          const guess = closest(ref.op, ids);
          errors.push(
            issueAt(
              at,
              'unknown_literal_op',
              `literal ${occurrence.raw} refers to op "${ref.op}", which does not exist`,
              guess ? `did you mean "${guess}"?` : `use one of the op ids: ${ids.join(', ')}`,
            ),
          );
          continue;
        }
        if (producer === op) {
          errors.push(
            issueAt(
              at,
              'literal_self_reference',
              `literal ${occurrence.raw} refers to the op it is in`,
              'refer to another op',
            ),
          );
          continue;
        }
        if (ref.kind === 'op-result' && !producer.resultKeys.has(ref.key)) {
          const guess = closest(ref.key, [...producer.resultKeys]);
          errors.push(
            issueAt(
              at,
              'unknown_literal_key',
              `literal ${occurrence.raw}: op "${ref.op}" defines no result "${ref.key}"`,
              guess ? `did you mean "${guess}"?` : `add "${ref.key}" to ops[${producer.index}].results`,
            ),
          );
          continue;
        }
        if (ref.kind === 'op-endpoint' && producer.portsKnown && !producer.ports.has(Number(ref.port))) {
          errors.push(
            issueAt(
              at,
              'unknown_literal_port',
              `literal ${occurrence.raw}: op "${ref.op}" does not expose port ${ref.port}`,
              producer.ports.size > 0
                ? `it exposes ${[...producer.ports].join(', ')}`
                : `add ${ref.port} to its expose`,
            ),
          );
          continue;
        }
        const order = runsBefore(producer, op);
        if (order === 'after') {
          errors.push(
            issueAt(
              at,
              'literal_not_ready',
              `literal ${occurrence.raw} refers to op "${ref.op}", which runs in a later group`,
              'move that op to an earlier group',
            ),
          );
        } else if (order === 'parallel' && ref.kind === 'op-result') {
          warnings.push(
            issueAt(
              at,
              'literal_not_ready',
              `literal ${occurrence.raw} refers to op "${ref.op}", which runs in parallel and may not have produced it yet`,
              `add "${ref.op}" to execution.depends_on`,
            ),
          );
        }
      }
    });
  }

  return { errors, warnings };
}

function readOp(raw: Record<string, unknown>, index: number): OpFacts {
  const execution = isObject(raw.execution) ? raw.execution : {};
  const args = isObject(raw.args) ? raw.args : {};
  const facts: OpFacts = {
    index,
    id: isString(raw.id) ? raw.id : undefined,
    type: raw.type,
    group: isString(execution.group) ? execution.group : undefined,
    dependsOn: strings(execution.depends_on),
    args,
    raw,
    resultKeys: new Set(isObject(raw.results) ? Object.keys(raw.results) : []),
    ports: new Set(),
    portsKnown: true,
  };
  for (const item of exposeItems(args.expose)) {
    const port = isObject(item) && !('__spread__' in item) ? item.port : item;
    if (typeof port === 'number') facts.ports.add(port);
    else if (isString(port) && /^\d+-\d+$/.test(port)) {
      const [start, end] = port.split('-').map(Number) as [number, number];
      if (end - start <= JOB_DEFINITION_LIMITS.maxPortsPerRange)
        for (let p = start; p <= end; p++) facts.ports.add(p);
    } else facts.portsKnown = false;
  }
  return facts;
}

const exposeItems = (expose: unknown): unknown[] =>
  expose === undefined ? [] : Array.isArray(expose) ? expose : [expose];

function checkExpose(expose: unknown, at: Path, errors: ValidationIssue[]): void {
  const list = Array.isArray(expose);
  const singles = new Map<number, Path>();
  const ranges: Array<{ start: number; end: number; at: Path }> = [];
  exposeItems(expose).forEach((item, i) => {
    const itemAt = list ? [...at, i] : at;
    const objectPort = isObject(item) && !('__spread__' in item);
    const port = objectPort ? item.port : item;
    const portAt = objectPort ? [...itemAt, 'port'] : itemAt;
    if (typeof port === 'number' && Number.isInteger(port)) {
      const previous = singles.get(port);
      if (previous) {
        errors.push(
          issueAt(portAt, 'duplicate_port', `port ${port} is exposed twice`, 'expose each port once'),
        );
        return;
      }
      singles.set(port, portAt);
      const range = ranges.find((r) => port >= r.start && port <= r.end);
      if (range) {
        errors.push(
          issueAt(
            portAt,
            'overlapping_ports',
            `port ${port} is inside the range ${range.start}-${range.end}`,
            'remove it or the range',
          ),
        );
      }
    } else if (isString(port) && /^\d+-\d+$/.test(port)) {
      const [start, end] = port.split('-').map(Number) as [number, number];
      if (!(start >= 1 && end <= 65535 && start < end)) {
        errors.push(
          issueAt(
            portAt,
            'invalid_port_range',
            `"${port}" is not a valid range`,
            'write "start-end" with 1 ≤ start < end ≤ 65535',
          ),
        );
        return;
      }
      if (end - start + 1 > JOB_DEFINITION_LIMITS.maxPortsPerRange) {
        errors.push(
          issueAt(
            portAt,
            'port_range_too_large',
            `"${port}" spans ${end - start + 1} ports`,
            `expose at most ${JOB_DEFINITION_LIMITS.maxPortsPerRange} ports per range`,
          ),
        );
        return;
      }
      const overlap = ranges.find((r) => start <= r.end && end >= r.start);
      const single = [...singles.keys()].find((p) => p >= start && p <= end);
      if (overlap || single !== undefined) {
        errors.push(
          issueAt(
            portAt,
            'overlapping_ports',
            overlap
              ? `range ${port} overlaps the range ${overlap.start}-${overlap.end}`
              : `range ${port} contains port ${single}, which is exposed on its own`,
            'make exposed ports and ranges disjoint',
          ),
        );
        return;
      }
      ranges.push({ start, end, at: portAt });
    }
  });
}

function checkAbsolute(path: string, at: Path, errors: ValidationIssue[]): void {
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

/** Calls `visit` for every string (values and object keys' values) under `value`. */
function walkStrings(value: unknown, at: Path, visit: (text: string, at: Path) => void): void {
  if (isString(value)) visit(value, at);
  else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walkStrings(item, [...at, i], visit);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) walkStrings(item, [...at, key], visit);
  }
}
