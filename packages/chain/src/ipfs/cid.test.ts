import { BlackHoleBlockstore } from 'blockstore-core';
import { importByteStream } from 'ipfs-unixfs-importer';
import { describe, expect, it } from 'vitest';
import { KUBO_VECTORS } from '../testing.js';
import { computeCid, kuboV0ImportOptions } from './cid.js';

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
