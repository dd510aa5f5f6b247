import { fc, test } from '@fast-check/vitest';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import type { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { type FileLayoutOptions, importFile, KUBO_MAX_CHILDREN } from './unixfs-file.js';

/** A sink that records every block (copied: importFile reuses its buffers). */
const recorder = () => {
  const blocks = new Map<string, Uint8Array>();
  return {
    blocks,
    sink: { put: async (cid: CID, bytes: Uint8Array) => blocks.set(cid.toString(), bytes.slice()) },
  };
};

/** ipfs-unixfs-importer with the same settings: the reference. */
async function reference(content: Uint8Array, layout: FileLayoutOptions) {
  const { blocks } = recorder();
  const store = {
    put: async (cid: CID, bytes: Uint8Array) => {
      blocks.set(cid.toString(), bytes.slice());
      return cid;
    },
  };
  let root: { cid: CID; size: bigint } | undefined;
  for await (const entry of importer([{ content }], store as never, {
    cidVersion: layout.cidVersion,
    rawLeaves: layout.rawLeaves,
    leafType: 'file',
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize: layout.chunkSize }),
    layout: balanced({ maxChildrenPerNode: KUBO_MAX_CHILDREN }),
  }))
    root = entry;
  return { root: root!, blocks };
}

/** `bytes` cut into pieces at `cuts` (positions in 0..1). */
const pieces = (bytes: Uint8Array, cuts: number[]) => {
  const at = [...new Set(cuts.map((cut) => Math.floor(cut * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    out.push(bytes.subarray(from, to));
    from = to;
  }
  return out;
};

const layouts: FileLayoutOptions[] = [
  { cidVersion: 0, rawLeaves: false, chunkSize: 7 },
  { cidVersion: 1, rawLeaves: true, chunkSize: 5 },
  { cidVersion: 0, rawLeaves: true, chunkSize: 3 },
  { cidVersion: 1, rawLeaves: false, chunkSize: 1 },
];

describe('importFile', () => {
  test.prop(
    [
      fc.constantFrom(...layouts),
      fc.uint8Array({ maxLength: 4_000 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
    ],
    { numRuns: 60 },
  )(
    'gives ipfs-unixfs-importer’s CID, size and blocks, however the bytes arrive',
    async (layout, bytes, cuts) => {
      const expected = await reference(bytes, layout);
      const { blocks, sink } = recorder();
      const result = await importFile({ content: pieces(bytes, cuts), layout, sink, concurrency: 3 });
      expect(result.cid.toString()).toBe(expected.root.cid.toString());
      expect(result.size).toBe(expected.root.size);
      expect(result.fileSize).toBe(BigInt(bytes.length));
      expect(new Map([...blocks].sort())).toEqual(new Map([...expected.blocks].sort()));
    },
  );

  it.each([
    0,
    1,
    KUBO_MAX_CHILDREN,
    KUBO_MAX_CHILDREN + 1,
    KUBO_MAX_CHILDREN * KUBO_MAX_CHILDREN,
    KUBO_MAX_CHILDREN * KUBO_MAX_CHILDREN + 1,
  ])('builds the balanced layout’s levels like the importer at %i one-byte leaves', async (length) => {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 31) % 251);
    for (const layout of [
      { cidVersion: 0, rawLeaves: false, chunkSize: 1 },
      { cidVersion: 1, rawLeaves: true, chunkSize: 1 },
    ] as const) {
      const expected = await reference(bytes, layout);
      const { blocks, sink } = recorder();
      const result = await importFile({ content: [bytes], layout, sink });
      expect(result.cid.toString()).toBe(expected.root.cid.toString());
      expect(result.size).toBe(expected.root.size);
      expect(blocks.size).toBe(expected.blocks.size);
    }
  });

  it('gives Kubo’s CIDs for known content (256 KiB chunks)', async () => {
    const kubo = { cidVersion: 0, rawLeaves: false, chunkSize: 262_144 } as const;
    const cid = async (bytes: Uint8Array, layout: FileLayoutOptions = kubo) =>
      (await importFile({ content: [bytes], layout, sink: { put: async () => {} } })).cid.toString();
    expect(await cid(new TextEncoder().encode('hello world'))).toBe(
      'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD',
    );
    expect(await cid(new Uint8Array())).toBe('QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH');
    expect(await cid(new Uint8Array(), { cidVersion: 1, rawLeaves: true, chunkSize: 262_144 })).toBe(
      'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
    );
    const big = Uint8Array.from({ length: 1_000_000 }, (_, i) => i % 256);
    const expected = await reference(big, kubo);
    expect(await cid(big)).toBe(expected.root.cid.toString());
  });

  it('waits for every write and throws the first failure when a write fails', async () => {
    let settled = 0;
    let started = 0;
    const sink = {
      put: async () => {
        started++;
        await Promise.resolve();
        settled++;
        if (started === 3) throw new Error('disk full');
      },
    };
    const content = [new Uint8Array(64)];
    await expect(
      importFile({
        content,
        layout: { cidVersion: 0, rawLeaves: false, chunkSize: 4 },
        sink,
        concurrency: 2,
      }),
    ).rejects.toThrow('disk full');
    expect(settled).toBe(started);
  });

  it('settles its writes before rethrowing a failure of the content', async () => {
    let inFlight = 0;
    const sink = {
      put: async () => {
        inFlight++;
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
      },
    };
    async function* content() {
      yield new Uint8Array(40);
      throw new Error('client went away');
    }
    await expect(
      importFile({ content: content(), layout: { cidVersion: 1, rawLeaves: true, chunkSize: 4 }, sink }),
    ).rejects.toThrow('client went away');
    expect(inFlight).toBe(0);
  });
});
