import { fc, test } from '@fast-check/vitest';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes, textBlocks, writeCanonicalJson } from './canonical-json.js';

/** The reference implementation of RFC 8785 the hand-written writer must agree with. */
const reference = canonicalize as unknown as (value: unknown) => string | undefined;

describe('canonicalJson', () => {
  it('sorts keys and drops whitespace, so equal values give equal bytes', () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] })).toBe(
      '{"a":[true,{"c":"x","d":null}],"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('orders keys by UTF-16 code units and writes numbers in ECMAScript form (RFC 8785 §3.2.3, appendix B)', () => {
    // Each key's value is its place in the expected order.
    const keys = { '\u20ac': 4, '\r': 0, '\ufb33': 6, '1': 1, '\ud83d\ude00': 5, '\u0080': 2, '\u00f6': 3 };
    expect(canonicalJson(keys).replace(/"[^"]*":/g, '')).toBe('{0,1,2,3,4,5,6}');
    expect(canonicalJson([1e21, 1e-7, -0, 0.000001, 333333333.3333333, 5e-324, 2 ** 53])).toBe(
      '[1e+21,1e-7,0,0.000001,333333333.3333333,5e-324,9007199254740992]',
    );
  });

  it('follows JSON.stringify for toJSON, undefined, functions and symbols', () => {
    expect(canonicalJson({ at: new Date(0), gone: undefined, f: () => 1, s: Symbol('x') })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z"}',
    );
    expect(canonicalJson([undefined, () => 1, Symbol('x')])).toBe('[null,null,null]');
    // A member whose toJSON gives nothing is left out with its key (never a key without a value).
    const nothing = { toJSON: () => undefined };
    expect(canonicalJson({ a: nothing, b: 1 })).toBe(JSON.stringify({ a: nothing, b: 1 }));
    expect(canonicalJson([nothing])).toBe('[null]');
  });

  it('refuses values with no JSON form, naming what is wrong', () => {
    expect(() => canonicalJson(undefined)).toThrow(/no JSON representation/);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN is not a JSON number/);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(/Infinity is not a JSON number/);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });

  test.prop([fc.jsonValue()], { numRuns: 500 })('agrees with the reference implementation', (value) => {
    expect(canonicalJson(value)).toBe(reference(value));
  });

  test.prop([fc.jsonValue({ maxDepth: 3 })])('its bytes are the UTF-8 of its text', (value) => {
    expect(canonicalJsonBytes(value)).toEqual(new TextEncoder().encode(reference(value)));
  });
});

describe('writeCanonicalJson and textBlocks', () => {
  it('write a large value in pieces and blocks whose concatenation is the whole text', () => {
    const logs = Array.from({ length: 30_000 }, (_, i) => ({
      type: 'stdout',
      log: `line ${i} ✓ — ${'x'.repeat(i % 50)}`,
      timestamp: 1_700_000_000_000 + i,
    }));
    const value = { opStates: [{ logs }], status: 'success' };
    const blocks: Uint8Array[] = [];
    const write = textBlocks((block) => blocks.push(block));
    writeCanonicalJson(value, write);
    write.end();
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.every((block) => block.length < 2 * 64 * 1024 * 3)).toBe(true);
    const text = new TextDecoder().decode(Buffer.concat(blocks));
    expect(text).toBe(reference(value));
    expect(new TextDecoder().decode(canonicalJsonBytes(value))).toBe(text);
  });
});
