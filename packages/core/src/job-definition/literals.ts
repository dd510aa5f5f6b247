/**
 * Literals are `%%…%%` placeholders inside op args, resolved when an op is hydrated just before it runs:
 * `%%globals.job%%`, `%%global.variables.MODEL%%`, `%%ops.<id>.host%%`, `%%ops.<id>.endpoint.<port>%%`,
 * `%%ops.<id>.deployment_endpoint%%` and `%%ops.<id>.results.<key>%%`.
 */

/** Names available under `%%globals.<name>%%`. */
export const GLOBAL_LITERALS = ['job', 'host', 'project', 'frps_address'] as const;
export type GlobalLiteral = (typeof GLOBAL_LITERALS)[number];

/** What a literal refers to. */
export type LiteralReference =
  | { kind: 'global'; name: GlobalLiteral }
  | { kind: 'variable'; name: string }
  | { kind: 'op-host'; op: string }
  | { kind: 'op-endpoint'; op: string; port: string }
  | { kind: 'op-deployment-endpoint'; op: string }
  | { kind: 'op-result'; op: string; key: string };

/** A literal occurrence inside a string. */
export interface LiteralOccurrence {
  /** The whole placeholder, e.g. `%%ops.a.host%%`. */
  raw: string;
  /** The part between the markers, e.g. `ops.a.host`. */
  body: string;
  /** Offset of `raw` in the string. */
  index: number;
}

const LITERAL = /%%([^%\s]+)%%/g;

/**
 * Every `%%…%%` literal in `text`.
 *
 * @example
 * ```ts
 * findLiterals('model=%%global.variables.MODEL%%'); // [{ raw: '%%global.variables.MODEL%%', body: 'global.variables.MODEL', index: 6 }]
 * ```
 */
export function findLiterals(text: string): LiteralOccurrence[] {
  return [...text.matchAll(LITERAL)].map((m) => ({ raw: m[0], body: m[1]!, index: m.index }));
}

/** True when the whole string is exactly one literal. */
export function isLiteral(text: string): boolean {
  return /^%%[^%\s]+%%$/.test(text);
}

/** The result of {@link parseLiteral}: the reference, or why the literal is malformed. */
export type ParseLiteralResult = { ok: true; reference: LiteralReference } | { ok: false; error: string };

/**
 * Parses the body of a literal. Op ids may contain dots, so `opIds` (the ids of the definition) are matched
 * longest first; an id not in the list is taken up to the next dot.
 *
 * @example
 * ```ts
 * parseLiteral('ops.setup.results.port', ['setup']); // { ok: true, reference: { kind: 'op-result', op: 'setup', key: 'port' } }
 * ```
 */
export function parseLiteral(body: string, opIds: readonly string[] = []): ParseLiteralResult {
  const globals = /^globals?\.(.+)$/.exec(body);
  if (globals) {
    const rest = globals[1]!;
    if (rest.startsWith('variables.')) {
      const name = rest.slice('variables.'.length);
      return name
        ? { ok: true, reference: { kind: 'variable', name } }
        : { ok: false, error: 'names no variable' };
    }
    if ((GLOBAL_LITERALS as readonly string[]).includes(rest)) {
      return { ok: true, reference: { kind: 'global', name: rest as GlobalLiteral } };
    }
    return {
      ok: false,
      error: `"${rest}" is not a global; use one of ${GLOBAL_LITERALS.join(', ')} or variables.<NAME>`,
    };
  }
  if (!body.startsWith('ops.')) {
    return { ok: false, error: 'must start with "ops." or "globals."' };
  }
  const afterOps = body.slice('ops.'.length);
  const known = [...opIds].sort((a, b) => b.length - a.length).find((id) => afterOps.startsWith(`${id}.`));
  const op = known ?? afterOps.split('.')[0]!;
  const rest = afterOps.slice(op.length + 1);
  if (!op || !rest)
    return {
      ok: false,
      error: 'must look like ops.<id>.host, ops.<id>.endpoint.<port> or ops.<id>.results.<key>',
    };
  if (rest === 'host') return { ok: true, reference: { kind: 'op-host', op } };
  if (rest === 'deployment_endpoint') return { ok: true, reference: { kind: 'op-deployment-endpoint', op } };
  if (rest.startsWith('endpoint.') && rest.length > 'endpoint.'.length) {
    return { ok: true, reference: { kind: 'op-endpoint', op, port: rest.slice('endpoint.'.length) } };
  }
  if (rest.startsWith('results.') && rest.length > 'results.'.length) {
    return { ok: true, reference: { kind: 'op-result', op, key: rest.slice('results.'.length) } };
  }
  return {
    ok: false,
    error: `"${rest}" is not a field of an op; use host, endpoint.<port>, deployment_endpoint or results.<key>`,
  };
}
