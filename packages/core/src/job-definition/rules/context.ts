/**
 * What every semantic rule reads: the ops' facts, read defensively from the raw document (rules run on
 * whatever parts are well-typed), the id index, the group order, and the issue lists the rules append to.
 */
import { transitiveDependencies } from '../flow.js';
import type { ValidationIssue } from '../issues.js';
import { JOB_DEFINITION_LIMITS } from '../schema.js';

export type Path = Array<string | number>;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isString = (v: unknown): v is string => typeof v === 'string';
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isString) : []);

/** The facts about one op the rules need. */
export interface OpFacts {
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

/** Where `producer` runs relative to `consumer`. */
export type RunOrder = 'before' | 'parallel' | 'after';

/** The shared state of one semantic pass. */
export interface SemanticContext {
  ops: OpFacts[];
  /** The first op with each id (duplicates are reported by the ids rule). */
  byId: Map<string, OpFacts>;
  ids: string[];
  global: Record<string, unknown>;
  /** The document's `logistics` object (empty when absent or not an object). */
  logistics: Record<string, unknown>;
  /** Dependency edges of the first op with each id, self-edges removed. */
  dependsOn: Map<string, string[]>;
  groupName: (op: OpFacts) => string;
  /** Whether `producer` has finished (or at least started) before `consumer` starts. */
  runsBefore: (producer: OpFacts, consumer: OpFacts) => RunOrder;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

/** A semantic rule: reads the context, appends issues to it. */
export type SemanticRule = (context: SemanticContext) => void;

/**
 * Builds the context of a semantic pass over a document (anything: non-objects give an empty context).
 *
 * @example
 * ```ts
 * const context = createSemanticContext({ ops: [{ id: 'a', type: 'container/run', args: {} }] });
 * context.byId.get('a')?.index; // 0
 * ```
 */
export function createSemanticContext(document: unknown): SemanticContext {
  const root = isObject(document) ? document : {};
  const rawOps = Array.isArray(root.ops) ? root.ops : [];
  const ops = rawOps.flatMap((raw, index) => (isObject(raw) ? [readOp(raw, index)] : []));
  const byId = new Map<string, OpFacts>();
  for (const op of ops) if (op.id !== undefined && !byId.has(op.id)) byId.set(op.id, op);
  const groupName = (op: OpFacts) => op.group ?? op.id ?? `#${op.index}`;
  const groupOrder = new Map<string, number>();
  for (const op of ops) if (!groupOrder.has(groupName(op))) groupOrder.set(groupName(op), groupOrder.size);
  const dependsOn = new Map(
    [...byId].map(([id, op]) => [id, op.dependsOn.filter((dep) => dep !== id)] as const),
  );
  const runsBefore = (producer: OpFacts, consumer: OpFacts): RunOrder => {
    const p = groupOrder.get(groupName(producer))!;
    const c = groupOrder.get(groupName(consumer))!;
    if (p < c) return 'before';
    if (p > c) return 'after';
    if (consumer.id !== undefined && producer.id !== undefined) {
      if (transitiveDependencies(consumer.id, dependsOn).has(producer.id)) return 'before';
    }
    return 'parallel';
  };
  return {
    ops,
    byId,
    ids: [...byId.keys()],
    global: isObject(root.global) ? root.global : {},
    logistics: isObject(root.logistics) ? root.logistics : {},
    dependsOn,
    groupName,
    runsBefore,
    errors: [],
    warnings: [],
  };
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

/** The items of an `expose` value (a single port, a range or a list of them). */
export const exposeItems = (expose: unknown): unknown[] =>
  expose === undefined ? [] : Array.isArray(expose) ? expose : [expose];
