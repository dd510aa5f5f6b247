import { createPrivateKey, sign } from 'node:crypto';
import { isNosanaError } from '@nosana/core';
import { base58 } from '@scure/base';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { createAuthHeader, verifyAuthHeader } from './auth.js';

describe('signed request headers', () => {
  const owner = Keypair.generate();
  const now = 1_800_000_000_000;

  it('verifies a header signed by the expected key', () => {
    const header = createAuthHeader(owner, 'nosana-job:Job1', now);
    expect(header).toMatch(/^nosana-job:Job1:[1-9A-HJ-NP-Za-km-z]{80,90}:1800000000000$/);
    expect(() =>
      verifyAuthHeader({ header, publicKey: owner.publicKey, message: 'nosana-job:Job1', now: now + 1000 }),
    ).not.toThrow();
  });

  it.each([
    [
      'another signer',
      () => createAuthHeader(Keypair.generate(), 'nosana-job:Job1', now),
      now,
      /not signed by/,
    ],
    [
      'another message',
      () => createAuthHeader(owner, 'nosana-job:Job2', now),
      now,
      /is for "nosana-job:Job2"/,
    ],
    [
      'an expired header',
      () => createAuthHeader(owner, 'nosana-job:Job1', now),
      now + 6 * 60_000,
      /has expired/,
    ],
    [
      'a tampered timestamp',
      () => createAuthHeader(owner, 'nosana-job:Job1', now).replace(/\d+$/, String(now + 1)),
      now,
      /not signed by/,
    ],
    ['garbage', () => 'hello', now, /expected <message>:<signature>:<timestamp>/],
    [
      'the original SDK’s header (the message signed, the time appended unsigned)',
      () => {
        const key = createPrivateKey({
          key: Buffer.concat([
            Buffer.from('302e020100300506032b657004220420', 'hex'),
            Buffer.from(owner.secretKey.subarray(0, 32)),
          ]),
          format: 'der',
          type: 'pkcs8',
        });
        return `nosana-job:Job1:${base58.encode(sign(null, Buffer.from('nosana-job:Job1'), key))}:${now}`;
      },
      now,
      /covers the message but not its time .*could reuse it forever/,
    ],
  ])('refuses %s with CHAIN__AUTH_INVALID', (_, make, at, reason) => {
    try {
      verifyAuthHeader({ header: make(), publicKey: owner.publicKey, message: 'nosana-job:Job1', now: at });
      expect.unreachable();
    } catch (error) {
      expect(isNosanaError(error, 'CHAIN__AUTH_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(reason);
    }
  });
});
