import { BlackHoleBlockstore } from 'blockstore-core';
import { importByteStream } from 'ipfs-unixfs-importer';
import { describe, expect, it } from 'vitest';
import { KUBO_VECTORS } from '../testing.js';
import { computeCid, kuboV0ImportOptions, singleBlockCid } from './cid.js';

describe('computeCid gives exactly the CIDv0 Kubo gives (Kubo test vectors)', () => {
  it.each(KUBO_VECTORS)('$name → $cid', async ({ bytes, cid }) => {
    expect(await computeCid(bytes())).toBe(cid);
  });

  it('accepts a single byte array', async () => {
    expect(await computeCid(new TextEncoder().encode('hello world'))).toBe(
      'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD',
    );
  });

  // go-ipfs 0.5 results for tiny chunk sizes (as quoted by rust-ipfs): they exercise the 174-link fan-out.
  const lorem = new TextEncoder().encode(
    'Lorem ipsum dolor sit amet, sit enim montes aliquam. Cras non lorem, rhoncus condimentum, irure et ante. Pulvinar suscipit odio ante, et tellus a enim, wisi ipsum, vel rhoncus eget faucibus varius, luctus turpis nibh vel odio nulla pede.',
  );
  it.each([
    [
      '"foobar\\n" with 2-byte chunks',
      new TextEncoder().encode('foobar\n'),
      2,
      'QmRJHYTNvC3hmd9gJQARxLR1QMEincccBV53bBw524yyq6',
    ],
    ['lorem with 1-byte chunks (174 + 63 links)', lorem, 1, 'QmRQ6NZNUs4JrCT2y7tmCC1wUhjqYuTssB8VXbbN3rMffg'],
    ['lorem with 32-byte chunks', lorem, 32, 'QmYSLcVQqxKygiq7x9w1XGYxU29EShB8ZemiaQ8GAAw17h'],
  ])('%s', async (_, bytes, chunk, cid) => {
    const result = await importByteStream([bytes], new BlackHoleBlockstore(), kuboV0ImportOptions(chunk));
    expect(result.cid.toString()).toBe(cid);
  });
});

describe('singleBlockCid (content of one chunk, without the importer)', () => {
  const importerCid = async (bytes: Uint8Array) =>
    (await importByteStream([bytes], new BlackHoleBlockstore(), kuboV0ImportOptions())).cid.toString();

  it('gives the importer’s CID at every varint boundary and at the chunk size', async () => {
    const sizes = [0, 1, 2, 100, 127, 128, 129, 16_383, 16_384, 16_385, 65_536, 262_140, 262_143, 262_144];
    for (const size of sizes) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
      expect({ size, cid: singleBlockCid(bytes) }).toEqual({ size, cid: await importerCid(bytes) });
    }
  });

  it('is what computeCid uses up to one chunk, and refuses more', async () => {
    const bytes = new TextEncoder().encode('hello world');
    expect(singleBlockCid(bytes)).toBe('Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD');
    expect(singleBlockCid(new Uint8Array(0))).toBe('QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH');
    expect(() => singleBlockCid(new Uint8Array(262_145))).toThrow(RangeError);
    const big = new Uint8Array(262_145).fill(7);
    expect(await computeCid(big)).toBe(await importerCid(big));
  });
});
