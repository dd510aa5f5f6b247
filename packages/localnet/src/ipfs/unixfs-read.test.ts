import { fc, test } from '@fast-check/vitest';
import { isNosanaError } from '@nosana/core';
import type { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { type FileLayoutOptions, importFile } from './unixfs-file.js';
import { readFileRange } from './unixfs-read.js';

/** A file imported into a map of blocks, and a source over that map. */
async function stored(bytes: Uint8Array, layout: FileLayoutOptions) {
  const blocks = new Map<string, Uint8Array>();
  const { cid } = await importFile({
    content: [bytes],
    layout,
    sink: { put: async (key: CID, block: Uint8Array) => blocks.set(key.toString(), block.slice()) },
  });
  const reads: string[] = [];
  const source = {
    getBytes: async (key: CID) => {
      reads.push(key.toString());
      const block = blocks.get(key.toString());
      if (!block) throw new Error(`missing ${key}`);
      return block;
    },
  };
  return { cid, blocks, source, reads };
}

const read = async (pieces: AsyncIterable<Uint8Array>) => {
  const out: Uint8Array[] = [];
  for await (const piece of pieces) out.push(piece);
  return Buffer.concat(out);
};

describe('readFileRange', () => {
  test.prop(
    [
      fc.constantFrom<FileLayoutOptions>(
        { cidVersion: 0, rawLeaves: false, chunkSize: 3 },
        { cidVersion: 1, rawLeaves: true, chunkSize: 2 },
        { cidVersion: 0, rawLeaves: false, chunkSize: 1 },
      ),
      fc.uint8Array({ maxLength: 2_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 1, max: 9 }),
    ],
    { numRuns: 60 },
  )('reads any range of a file in order', async (layout, bytes, from, share, lookahead) => {
    const { cid, source } = await stored(bytes, layout);
    const offset = Math.floor(from * bytes.length);
    const length = Math.floor(share * (bytes.length - offset));
    expect(await read(readFileRange({ root: cid, blocks: source, lookahead }))).toEqual(Buffer.from(bytes));
    expect(await read(readFileRange({ root: cid, blocks: source, offset, length, lookahead }))).toEqual(
      Buffer.from(bytes.subarray(offset, offset + length)),
    );
  });

  it('reads only the blocks a range needs', async () => {
    const bytes = Uint8Array.from({ length: 1_000 }, (_, i) => i % 256);
    const { cid, source, reads } = await stored(bytes, { cidVersion: 0, rawLeaves: false, chunkSize: 10 });
    expect(await read(readFileRange({ root: cid, blocks: source, offset: 505, length: 10 }))).toEqual(
      Buffer.from(bytes.subarray(505, 515)),
    );
    // The root (which links the 100 leaves) and the two leaves holding bytes 500–519.
    expect(reads).toHaveLength(3);
  });

  it('fails with a coded error when a block is not a file node or the sizes do not add up', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const { cid, source, blocks } = await stored(bytes, { cidVersion: 0, rawLeaves: false, chunkSize: 10 });
    const leaf = [...blocks.keys()].find((key) => key !== cid.toString())!;
    blocks.set(leaf, Uint8Array.of(0xff, 0xff, 0xff));
    const error = await read(readFileRange({ root: cid, blocks: source })).catch((e: unknown) => e);
    expect(isNosanaError(error, 'LOCALNET__IPFS_CORRUPT_BLOCK')).toBe(true);

    const short = await stored(bytes, { cidVersion: 0, rawLeaves: false, chunkSize: 10 });
    const tooLong = await read(readFileRange({ root: short.cid, blocks: short.source, length: 101 })).catch(
      (e: unknown) => e,
    );
    expect(isNosanaError(tooLong, 'LOCALNET__IPFS_CORRUPT_BLOCK')).toBe(true);
    expect((tooLong as Error).message).toContain('holds 100 of the 101 bytes');
  });

  it('leaves no read-ahead failure unhandled when the reader stops early', async () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const { cid, blocks } = await stored(bytes, { cidVersion: 1, rawLeaves: true, chunkSize: 10 });
    let calls = 0;
    const source = {
      getBytes: async (key: CID) => {
        calls++;
        if (calls > 2) throw new Error('disk gone');
        return blocks.get(key.toString())!;
      },
    };
    for await (const piece of readFileRange({ root: cid, blocks: source, lookahead: 4 })) {
      expect(piece).toEqual(bytes.subarray(0, 10));
      break;
    }
    // The failed reads ahead were started (and caught): returning early neither throws nor rejects later.
    expect(calls).toBeGreaterThan(2);
  });
});
