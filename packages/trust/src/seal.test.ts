import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { addressOf } from './keys.js';
import { openSealed, seal } from './seal.js';
import { testKey } from './test-keys.js';

const node = testKey(1);
const other = testKey(2);
const text = new TextEncoder().encode('hf_super_secret');

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isNosanaError(error) ? error.code : String(error);
  }
  return 'no error';
};

describe('sealed boxes', () => {
  it('open with the recipient key and the same context', () => {
    const box = seal({ to: node.address, plaintext: text, context: 'c' });
    expect(new TextDecoder().decode(openSealed({ box, secretKey: node.secretKey, context: 'c' }))).toBe(
      'hf_super_secret',
    );
    expect(Buffer.from(box).includes(Buffer.from('hf_super_secret'))).toBe(false);
    expect(addressOf(node.secretKey)).toBe(node.address);
  });

  it('do not open with another key, in another context, or altered', () => {
    const box = seal({ to: node.address, plaintext: text, context: 'c' });
    expect(code(() => openSealed({ box, secretKey: other.secretKey, context: 'c' }))).toBe(
      'TRUST__SEAL_OPEN_FAILED',
    );
    expect(code(() => openSealed({ box, secretKey: node.secretKey, context: 'd' }))).toBe(
      'TRUST__SEAL_OPEN_FAILED',
    );
    const altered = box.slice();
    altered[altered.length - 1] ^= 1;
    expect(code(() => openSealed({ box: altered, secretKey: node.secretKey, context: 'c' }))).toBe(
      'TRUST__SEAL_OPEN_FAILED',
    );
    expect(code(() => openSealed({ box: box.slice(0, 20), secretKey: node.secretKey, context: 'c' }))).toBe(
      'TRUST__SEALED_MALFORMED',
    );
  });

  it('refuse a recipient that is not an address', () => {
    expect(code(() => seal({ to: 'not-an-address', plaintext: text, context: 'c' }))).toBe(
      'TRUST__INVALID_KEY',
    );
  });

  it('differ each time (fresh ephemeral key and nonce)', () => {
    const a = seal({ to: node.address, plaintext: text, context: 'c' });
    const b = seal({ to: node.address, plaintext: text, context: 'c' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});
