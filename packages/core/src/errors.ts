/**
 * The one coded error class of the `@nosana/*` packages.
 *
 * Every package throws `NosanaError` with a stable string code namespaced by package
 * (`CORE__…`, `CHAIN__…`, `RUNTIME__…`, `LOCALNET__…`, `NODE__…`, `CLI__…`), a typed context
 * and an optional `cause`. Callers match errors by code with {@link isNosanaError}, never by message.
 *
 * Packages register the context type of their codes by augmenting {@link NosanaErrorContextMap}:
 *
 * ```ts
 * declare module '@nosana/core' {
 *   interface NosanaErrorContextMap {
 *     RUNTIME__IMAGE_NOT_FOUND: { image: string };
 *   }
 * }
 * ```
 *
 * Codes are append-only: never rename or reuse one, add a new code instead.
 *
 * @packageDocumentation
 */

import type { ValidationIssue } from './job-definition/issues.js';

/**
 * Map from error code to the type of its `context`. Each package augments this interface with its own
 * codes (see the module documentation).
 */
export interface NosanaErrorContextMap {
  /** A job definition failed schema or semantic validation. */
  CORE__JOB_DEFINITION_INVALID: { issues: ValidationIssue[]; source?: string };
  /** A job definition document could not be parsed as JSON or YAML. */
  CORE__JOB_DEFINITION_UNPARSABLE: { source?: string; line?: number; column?: number };
  /** A string is not a CIDv0 (`Qm…`, sha2-256 dag-pb multihash). */
  CORE__INVALID_CID: { cid: string };
  /** A byte array that should hold a 32-byte digest has another length. */
  CORE__INVALID_BYTES32: { length: number };
  /** A duration string such as `30m` or `2h` could not be parsed. */
  CORE__INVALID_DURATION: { input: string };
  /** A NOS amount could not be parsed or is out of range. */
  CORE__INVALID_AMOUNT: { input: string };
  /** A literal could not be resolved when an op was hydrated. */
  CORE__LITERAL_UNRESOLVED: { op: string; literal: string; reason: string };
  /** Pricing inputs are out of range (negative price, timeout or times in the wrong order). */
  CORE__INVALID_PRICING_INPUT: { field: string; value: string };
  /** An env value handed to a container is still a secret or sealed (it was not opened by a node). */
  CORE__ENV_NOT_PLAIN: { where: string; name: string; kind: 'secret' | 'sealed' };
}

/** Every known error code. */
export type NosanaErrorCode = keyof NosanaErrorContextMap;

/** The context type of error code `C`. */
export type NosanaErrorContext<C extends NosanaErrorCode> = NosanaErrorContextMap[C];

/** Options of the {@link NosanaError} constructor. */
export interface NosanaErrorOptions {
  /** The underlying error, kept on `cause`. */
  cause?: unknown;
}

/**
 * A coded error with a typed context.
 *
 * @example
 * ```ts
 * throw new NosanaError('CORE__INVALID_CID', `"${cid}" is not a CIDv0 — expected a base58 string starting with "Qm"`, { cid });
 * ```
 */
export class NosanaError<C extends NosanaErrorCode = NosanaErrorCode> extends Error {
  override readonly name = 'NosanaError' as const;
  readonly code: C;
  readonly context: NosanaErrorContext<C>;

  constructor(code: C, message: string, context: NosanaErrorContext<C>, options: NosanaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.context = Object.freeze({ ...context }) as NosanaErrorContext<C>;
  }

  /** A JSON form for logs and `--json` envelopes: code, message and context (never the stack). */
  toJSON(): { name: 'NosanaError'; code: C; message: string; context: NosanaErrorContext<C> } {
    return { name: this.name, code: this.code, message: this.message, context: this.context };
  }
}

/**
 * True when `error` is a {@link NosanaError} (optionally with the given code). Matches on `name` and
 * `code`, not `instanceof`, so it also recognizes errors thrown by another copy of this package.
 *
 * @example
 * ```ts
 * try { bytes32ToCid(bytes) } catch (e) {
 *   if (isNosanaError(e, 'CORE__INVALID_BYTES32')) console.error(e.context.length);
 * }
 * ```
 */
export function isNosanaError<C extends NosanaErrorCode>(error: unknown, code?: C): error is NosanaError<C> {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  if (candidate.name !== 'NosanaError' || typeof candidate.code !== 'string') return false;
  return code === undefined || candidate.code === code;
}

/**
 * Walks the `cause` chain of `error` and returns the first {@link NosanaError} (optionally with the given
 * code), or undefined.
 *
 * @example
 * ```ts
 * const insufficient = findNosanaError(error, 'CORE__INVALID_AMOUNT');
 * ```
 */
export function findNosanaError<C extends NosanaErrorCode>(
  error: unknown,
  code?: C,
): NosanaError<C> | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    if (isNosanaError(current, code)) return current;
    seen.add(current);
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
