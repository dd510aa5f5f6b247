/**
 * Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers as ECMAScript's `JSON.stringify` writes them. Equal values always give equal bytes,
 * and therefore equal IPFS CIDs and digests.
 *
 * Written out piece by piece rather than built as one string: a job's result (up to 16 MiB of log lines) is
 * canonicalized for its digest, its receipt and its upload, and concatenating it into one string held every piece
 * alive until the end — tens of MB of short strings for a 2 MB result, promoted to the old generation, at the moment
 * a node finishes a flooded job. Here a digest takes the pieces as they come and the text is kept as UTF-8 bytes in
 * 64 KiB blocks.
 */
import { concatBytes } from '@noble/hashes/utils.js';

/** Characters of text collected before they are encoded as one block. */
const BLOCK_CHARS = 64 * 1024;

/**
 * Writes the canonical JSON of `value` to `write` in pieces, in order (their concatenation is
 * {@link canonicalJson}'s answer). `toJSON` is honored; `undefined`, functions and symbols are left out of objects
 * and written as `null` in arrays, as `JSON.stringify` does.
 *
 * @throws TypeError for a value with no JSON form: a non-finite number, a BigInt, or `undefined` (or a function or
 *   symbol) at the top.
 * @example
 * ```ts
 * const pieces: string[] = [];
 * writeCanonicalJson({ b: 1, a: [true] }, (piece) => pieces.push(piece));
 * pieces.join(''); // '{"a":[true],"b":1}'
 * ```
 */
export function writeCanonicalJson(value: unknown, write: (piece: string) => void): void {
  if (!writeValue(value, write)) throw new TypeError('canonicalJson: the value has no JSON representation');
}

/** `value` after its `toJSON`, if it has one (as `JSON.stringify` calls it). */
function resolved(value: unknown): unknown {
  return value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON: () => unknown }).toJSON()
    : value;
}

/** Whether a value (after `toJSON`) has no JSON form: left out of objects, `null` in arrays. */
const omitted = (value: unknown) =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Writes `value`; false (having written nothing) when it has no JSON form in this position. */
function writeValue(value: unknown, write: (piece: string) => void): boolean {
  const own = resolved(value);
  if (omitted(own)) return false;
  writeResolved(own, write);
  return true;
}

/** Writes a value `toJSON` has been applied to and that has a JSON form. */
function writeResolved(value: unknown, write: (piece: string) => void): void {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
  if (value === null || typeof value !== 'object') {
    // Strings, finite numbers and booleans; a BigInt makes JSON.stringify throw its own TypeError.
    write(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    write('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) write(',');
      if (!writeValue(value[i], write)) write('null');
    }
    write(']');
    return;
  }
  write('{');
  let first = true;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object).sort()) {
    // `toJSON` first: a member whose `toJSON` gives undefined is left out with its key, as JSON.stringify does.
    const member = resolved(object[key]);
    if (omitted(member)) continue;
    write(first ? JSON.stringify(key) : `,${JSON.stringify(key)}`);
    write(':');
    first = false;
    writeResolved(member, write);
  }
  write('}');
}

/**
 * The UTF-8 bytes of {@link canonicalJson}'s text, built in 64 KiB blocks (what is pinned and hashed).
 *
 * @example
 * ```ts
 * new TextDecoder().decode(canonicalJsonBytes({ b: 1, a: 2 })); // '{"a":2,"b":1}'
 * ```
 */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  const blocks: Uint8Array[] = [];
  const write = textBlocks((block) => blocks.push(block));
  writeCanonicalJson(value, write);
  write.end();
  return blocks.length === 1 ? blocks[0]! : concatBytes(...blocks);
}

/**
 * Serializes a JSON value canonically (RFC 8785: sorted keys, no whitespace, ECMAScript number form), so
 * equal values always produce equal bytes and therefore equal IPFS CIDs.
 *
 * @throws TypeError for a value with no JSON form (see {@link writeCanonicalJson}).
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true] }); // '{"a":[true],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return new TextDecoder().decode(canonicalJsonBytes(value));
}

/**
 * A `write` for {@link writeCanonicalJson} that hands `onBlock` the text as UTF-8 blocks of about 64 KiB; its
 * `end()` flushes the last block.
 *
 * @example
 * ```ts
 * const write = textBlocks((block) => hash.update(block));
 * writeCanonicalJson(value, write);
 * write.end();
 * ```
 */
export function textBlocks(
  onBlock: (block: Uint8Array) => void,
): ((piece: string) => void) & { end(): void } {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let chars = 0;
  const flush = () => {
    if (pending.length === 0) return;
    onBlock(encoder.encode(pending.join('')));
    pending = [];
    chars = 0;
  };
  const write = (piece: string) => {
    pending.push(piece);
    chars += piece.length;
    if (chars >= BLOCK_CHARS) flush();
  };
  return Object.assign(write, { end: flush });
}
