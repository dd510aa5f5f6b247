/**
 * Test fixtures shared by packages that deal with IPFS content (`@nosana/chain/testing`): Kubo's own CID
 * vectors and its deterministic data generator. Not for production use.
 *
 * @packageDocumentation
 */
import { createCipheriv, createHash } from 'node:crypto';

/**
 * Kubo's deterministic test data (test/cli/testutils/random_deterministic.go): the ChaCha20 keystream for
 * key = sha256(seed), nonce 0.
 *
 * @example
 * ```ts
 * for (const chunk of deterministicBytes(262_145, 'chunk-v0-seed')) …
 * ```
 */
export function* deterministicBytes(size: number, seed: string, piece = 1 << 20): Generator<Uint8Array> {
  const cipher = createCipheriv('chacha20', createHash('sha256').update(seed).digest(), Buffer.alloc(16));
  for (let left = size; left > 0; left -= piece) yield cipher.update(Buffer.alloc(Math.min(piece, left)));
}

/** A Kubo CID vector: content and the CID `ipfs add` gives it (Kubo's unixfs-v0-2015 profile, its default). */
export interface KuboVector {
  name: string;
  size: number;
  bytes: () => Iterable<Uint8Array>;
  cid: string;
}

/** Vectors from Kubo's test/cli/cid_profiles_test.go, plus the 50 MiB file used in the feasibility study. */
export const KUBO_VECTORS: KuboVector[] = [
  {
    name: '"hello world"',
    size: 11,
    bytes: () => [new TextEncoder().encode('hello world')],
    cid: 'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD',
  },
  { name: 'empty file', size: 0, bytes: () => [], cid: 'QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH' },
  {
    name: '262144 B (one chunk)',
    size: 262_144,
    bytes: () => deterministicBytes(262_144, 'chunk-v0-seed'),
    cid: 'QmWmRj3dFDZdb6ABvbmKhEL6TmPbAfBZ1t5BxsEyJrcZhE',
  },
  {
    name: '262145 B (two chunks)',
    size: 262_145,
    bytes: () => deterministicBytes(262_145, 'chunk-v0-seed'),
    cid: 'QmYyLxtzZyW22zpoVAtKANLRHpDjZtNeDjQdJrcQNWoRkJ',
  },
  {
    name: '174 × 256 KiB (one layer, 174 links)',
    size: 174 * 262_144,
    bytes: () => deterministicBytes(174 * 262_144, 'v0-seed'),
    cid: 'QmUbBALi174SnogsUzLpYbD4xPiBSFANF4iztWCsHbMKh2',
  },
  {
    name: '174 × 256 KiB + 1 (two layers)',
    size: 174 * 262_144 + 1,
    bytes: () => deterministicBytes(174 * 262_144 + 1, 'v0-seed'),
    cid: 'QmV81WL765sC8DXsRhE5fJv2rwhS4icHRaf3J9Zk5FdRnW',
  },
];
