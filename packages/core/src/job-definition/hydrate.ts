/**
 * Hydration: just before an op runs, its `args` are resolved against what is known about the flow — globals,
 * variables, and the hosts, endpoints and results of other ops. Collection operators (`__spread__`, `__pairs__`,
 * `__remove-if-empty__`) are applied first, then `%%…%%` literals are interpolated according to the shape of the
 * field they are in (see docs.nosana.com "Literals").
 */
import { NosanaError } from '../errors.js';
import { findLiterals, type LiteralReference, parseLiteral } from './literals.js';
import type { Operation } from './types.js';

/** What literals resolve against. */
export interface HydrationContext {
  globals: { job?: string; host?: string; project?: string; frps_address?: string };
  variables?: Record<string, string>;
  ops: Record<
    string,
    {
      host?: string;
      /** Endpoint URL by container port. */
      endpoints?: Record<string, string>;
      deploymentEndpoint?: string;
      /** Results extracted so far, by key (every matching log line). */
      results?: Record<string, string[]>;
    }
  >;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const REMOVE_IF_EMPTY = '__remove-if-empty__';
const SPREAD = '__spread__';
const PAIRS = '__pairs__';

/**
 * Returns `op` with its `args` hydrated. Throws `CORE__LITERAL_UNRESOLVED` when a literal refers to something that
 * is not known (yet).
 *
 * @example
 * ```ts
 * hydrateOperation(op, { globals: { job: 'Job1…' }, ops: { setup: { results: { port: ['9000'] } } } });
 * ```
 */
export function hydrateOperation<T extends Operation>(op: T, context: HydrationContext): T {
  const opIds = Object.keys(context.ops);
  const resolve = (raw: string, body: string): Json => {
    const parsed = parseLiteral(body, opIds);
    if (!parsed.ok) throw unresolved(op.id, raw, parsed.error);
    const value = lookup(parsed.reference, context);
    if (value === undefined) throw unresolved(op.id, raw, describeMissing(parsed.reference));
    return value;
  };
  /** A value that is exactly one literal, resolved to structured JSON when it holds JSON text. */
  const resolveStructured = (text: string): Json => {
    const [literal] = findLiterals(text);
    if (!literal || literal.raw !== text) return text;
    const value = resolve(literal.raw, literal.body);
    return typeof value === 'string'
      ? parseJsonOr(value)
      : Array.isArray(value) && value.length === 1 && typeof value[0] === 'string'
        ? parseJsonOr(value[0])
        : value;
  };

  const hydrateString = (text: string): Json => {
    const literals = findLiterals(text);
    if (literals.length === 0) return text;
    if (literals.length === 1 && literals[0]!.raw === text)
      return resolve(literals[0]!.raw, literals[0]!.body);
    let out = text;
    for (const literal of literals)
      out = out.replace(literal.raw, flattenToString(resolve(literal.raw, literal.body)));
    return out;
  };

  const hydrateArray = (items: Json[]): Json[] => {
    const out: Json[] = [];
    for (const item of items) {
      if (isObject(item) && Object.keys(item).length === 1 && typeof item[SPREAD] === 'string') {
        const spread = resolveStructured(item[SPREAD] as string);
        out.push(...(Array.isArray(spread) ? spread.map(hydrate) : [hydrate(spread)]));
      } else if (typeof item === 'string') {
        const value = hydrateString(item);
        // A whole-literal item resolving to an array is flattened into the parent array.
        if (Array.isArray(value)) out.push(...value);
        else out.push(value);
      } else out.push(hydrate(item));
    }
    return out;
  };

  const hydrateObject = (object: { [key: string]: Json }): { [key: string]: Json } => {
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(object)) {
      if (key === SPREAD && typeof value === 'string') {
        const spread = resolveStructured(value);
        if (isObject(spread)) Object.assign(out, hydrateObject(spread));
        continue;
      }
      if (key === PAIRS && typeof value === 'string') {
        const pairs = resolveStructured(value);
        for (const pair of Array.isArray(pairs) ? pairs : []) {
          if (isObject(pair) && typeof pair.key === 'string') out[pair.key] = hydrate(pair.value ?? '');
        }
        continue;
      }
      // `[ "__remove-if-empty__", …items ]` and `{ "__remove-if-empty__": "%%…%%" }` drop the property when empty.
      if (Array.isArray(value) && value[0] === REMOVE_IF_EMPTY) {
        const rest = hydrateArray(value.slice(1));
        if (rest.length > 0) out[key] = rest;
        continue;
      }
      if (isObject(value) && Object.keys(value).length === 1 && typeof value[REMOVE_IF_EMPTY] === 'string') {
        const resolved = resolveStructured(value[REMOVE_IF_EMPTY] as string);
        const list = Array.isArray(resolved) ? resolved : [resolved];
        if (list.length > 0) out[key] = list;
        continue;
      }
      if (typeof value === 'string') {
        const hydrated = hydrateString(value);
        // A string field resolving to an array becomes its items joined by spaces.
        out[key] = Array.isArray(hydrated) ? flattenToString(hydrated) : hydrated;
        continue;
      }
      out[key] = hydrate(value);
    }
    return out;
  };

  const hydrate = (value: Json): Json => {
    if (typeof value === 'string') {
      const hydrated = hydrateString(value);
      return Array.isArray(hydrated) ? flattenToString(hydrated) : hydrated;
    }
    if (Array.isArray(value)) return hydrateArray(value);
    if (isObject(value)) return hydrateObject(value);
    return value;
  };

  return {
    ...op,
    args: hydrateObject(op.args as unknown as { [key: string]: Json }) as unknown as T['args'],
  };
}

function lookup(reference: LiteralReference, context: HydrationContext): Json | undefined {
  switch (reference.kind) {
    case 'global':
      return context.globals[reference.name];
    case 'variable':
      return context.variables?.[reference.name];
    case 'op-host':
      return context.ops[reference.op]?.host;
    case 'op-endpoint':
      return context.ops[reference.op]?.endpoints?.[reference.port];
    case 'op-deployment-endpoint':
      return context.ops[reference.op]?.deploymentEndpoint;
    case 'op-result': {
      const values = context.ops[reference.op]?.results?.[reference.key];
      if (values === undefined) return undefined;
      return values.length === 1 ? values[0]! : values;
    }
  }
}

function describeMissing(reference: LiteralReference): string {
  switch (reference.kind) {
    case 'global':
      return `global "${reference.name}" is not set on this host`;
    case 'variable':
      return `global.variables has no "${reference.name}"`;
    case 'op-result':
      return `op "${reference.op}" has produced no result "${reference.key}" (has it run yet? is it in an earlier group or in depends_on?)`;
    case 'op-endpoint':
      return `op "${reference.op}" exposes no endpoint for port ${reference.port} (yet)`;
    default:
      return `op "${reference.op}" is not known (yet)`;
  }
}

function unresolved(op: string, literal: string, reason: string): NosanaError<'CORE__LITERAL_UNRESOLVED'> {
  return new NosanaError('CORE__LITERAL_UNRESOLVED', `op "${op}": cannot resolve ${literal}: ${reason}`, {
    op,
    literal,
    reason,
  });
}

const isObject = (value: unknown): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJsonOr(text: string): Json {
  const trimmed = text.trim();
  if (
    !/^[[{"]/.test(trimmed) &&
    !/^-?\d/.test(trimmed) &&
    trimmed !== 'true' &&
    trimmed !== 'false' &&
    trimmed !== 'null'
  )
    return text;
  try {
    return JSON.parse(trimmed) as Json;
  } catch {
    return text;
  }
}

function flattenToString(value: Json): string {
  if (Array.isArray(value)) return value.map(flattenToString).join(' ');
  if (isObject(value)) return JSON.stringify(value);
  return String(value);
}
