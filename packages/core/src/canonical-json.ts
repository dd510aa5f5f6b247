import canonicalize from 'canonicalize';

/**
 * Serializes a JSON value canonically (RFC 8785: sorted keys, no whitespace, ECMAScript number form), so
 * equal values always produce equal bytes and therefore equal IPFS CIDs.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true] }); // '{"a":[true],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  const text = (canonicalize as unknown as (v: unknown) => string | undefined)(value);
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON representation');
  return text;
}
