/**
 * One file in Kubo's default layout — fixed-size chunks, leaves as dag-pb UnixFS nodes (CIDv0) or raw blocks,
 * a balanced DAG of 174 links per node — encoded as its bytes stream in. It gives the same blocks and CIDs as
 * ipfs-unixfs-importer with those settings (its tests compare the two), at a fraction of the cost: each piece of the
 * content is copied once, into the block that will be written, and a leaf's framing (a few protobuf bytes around
 * its data) is written in place instead of encoding the block twice. Parent nodes, one per 174 leaves, use the
 * libraries. An asynchronous sink gets blocks a few at a time, so its writes overlap the hashing of the next ones
 * (the localnet's store writes each block synchronously: see `store.ts`).
 */
import { createHash } from 'node:crypto';
import { encode, type PBLink, prepare } from '@ipld/dag-pb';
import { UnixFS } from 'ipfs-unixfs';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { create as createDigest } from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';

/** Children per node of Kubo's balanced layout. */
export const KUBO_MAX_CHILDREN = 174;
const DAG_PB = 0x70;

/** The layout of {@link importFile}: Kubo's `add` options that shape a file's DAG. */
export interface FileLayoutOptions {
  cidVersion: 0 | 1;
  /** Leaves as raw blocks (CIDv1) instead of dag-pb UnixFS nodes. */
  rawLeaves: boolean;
  /** Bytes per leaf: 1 to 1 MiB (Kubo's limits). */
  chunkSize: number;
}

/** Where {@link importFile} writes blocks. It must not keep `bytes` once its promise settles: the buffer is reused. */
export interface BlockSink {
  put(cid: CID, bytes: Uint8Array): Promise<unknown>;
}

/** Parameters of {@link importFile}. */
export interface ImportFileParameters {
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  layout: FileLayoutOptions;
  sink: BlockSink;
  /** Blocks being written at once. Default 8. */
  concurrency?: number;
}

/** Result of {@link importFile}. */
export interface ImportFileResult {
  cid: CID;
  /** Kubo's `Size`: the root block's bytes plus the sizes of everything it links (its DAG's bytes). */
  size: bigint;
  /** The file's length in bytes. */
  fileSize: bigint;
}

/** A node of the DAG being built, as its parent links it. */
interface Built {
  cid: CID;
  /** The DAG's bytes under (and including) this node: a link's `Tsize`. */
  size: number;
  /** The file bytes under this node: its entry in the parent's `blocksizes`. */
  fileSize: number;
}

const varintLength = (value: number) => {
  let length = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) length++;
  return length;
};

const writeVarint = (target: Uint8Array, at: number, value: number): number => {
  let position = at;
  let rest = value;
  while (rest >= 0x80) {
    target[position++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  target[position++] = rest;
  return position;
};

/** Room before a leaf's data for its framing: `0a <len> 08 02 12 <len>`, two varints of at most 4 bytes. */
const HEADROOM = 12;
/** Room after it: `18 <len>`. */
const TAILROOM = 5;

/**
 * The dag-pb block of a UnixFS file leaf whose `n` data bytes sit at `buffer[HEADROOM..HEADROOM+n)`, framed in
 * place: PBNode { Data: UnixFS { Type: File, Data: data (omitted when empty), filesize: n } }.
 */
function frameLeaf(buffer: Uint8Array, n: number): Uint8Array {
  const unixfsLength = 2 + (n > 0 ? 1 + varintLength(n) + n : 0) + 1 + varintLength(n);
  const headerLength = 1 + varintLength(unixfsLength) + 2 + (n > 0 ? 1 + varintLength(n) : 0);
  const start = HEADROOM - headerLength;
  let at = start;
  buffer[at++] = 0x0a;
  at = writeVarint(buffer, at, unixfsLength);
  buffer[at++] = 0x08;
  buffer[at++] = 0x02;
  if (n > 0) {
    buffer[at++] = 0x12;
    at = writeVarint(buffer, at, n);
  }
  at = HEADROOM + n;
  buffer[at++] = 0x18;
  at = writeVarint(buffer, at, n);
  return buffer.subarray(start, at);
}

const hash = (bytes: Uint8Array) => createDigest(sha256.code, createHash('sha256').update(bytes).digest());

/** Writes blocks with a bounded number in flight; the first failure is thrown by the next call. */
class Writer {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  constructor(
    private readonly sink: BlockSink,
    private readonly concurrency: number,
  ) {}
  async write(cid: CID, bytes: Uint8Array, onWritten?: () => void): Promise<void> {
    this.check();
    const written: Promise<void> = this.sink.put(cid, bytes).then(
      () => {
        this.inFlight.delete(written);
        onWritten?.();
      },
      (error: unknown) => {
        this.inFlight.delete(written);
        this.failure ??= { error };
      },
    );
    this.inFlight.add(written);
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    this.check();
  }
  /** Waits for every write; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    this.check();
  }
  private check() {
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Imports one file's bytes as Kubo would with `layout`, writing its blocks to `sink` (leaves before the nodes that
 * link them), and returns its root.
 *
 * @example
 * ```ts
 * const { cid } = await importFile({
 *   content: [new TextEncoder().encode('hello world')],
 *   layout: { cidVersion: 0, rawLeaves: false, chunkSize: 262_144 },
 *   sink: { put: async () => {} },
 * });
 * cid.toString(); // 'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD'
 * ```
 */
export async function importFile({
  content,
  layout,
  sink,
  concurrency = 8,
}: ImportFileParameters): Promise<ImportFileResult> {
  const { chunkSize, rawLeaves, cidVersion } = layout;
  const writer = new Writer(sink, concurrency);
  const spare: Uint8Array<ArrayBuffer>[] = [];
  const levels: Built[][] = [[]];
  let leaves = 0;
  let fileSize = 0;

  const parent = async (children: Built[]): Promise<Built> => {
    const unixfs = new UnixFS({ type: 'file' });
    const links: PBLink[] = [];
    for (const child of children) {
      unixfs.addBlockSize(BigInt(child.fileSize));
      links.push({ Name: '', Tsize: child.size, Hash: child.cid });
    }
    const block = encode(prepare({ Data: unixfs.marshal(), Links: links }));
    const cid = cidVersion === 0 ? CID.createV0(hash(block)) : CID.createV1(DAG_PB, hash(block));
    await writer.write(cid, block);
    const size = links.reduce((sum, link) => sum + (link.Tsize ?? 0), block.length);
    return { cid, size, fileSize: children.reduce((sum, child) => sum + child.fileSize, 0) };
  };
  /** Adds a node at `level`, building parents as levels fill up (the balanced layout, streamed). */
  const push = async (level: number, node: Built) => {
    if (level === levels.length) levels.push([]);
    const nodes = levels[level]!;
    nodes.push(node);
    if (nodes.length === KUBO_MAX_CHILDREN) {
      const children = nodes;
      levels[level] = [];
      await push(level + 1, await parent(children));
    }
  };
  const leaf = async (buffer: Uint8Array<ArrayBuffer>, n: number) => {
    leaves++;
    fileSize += n;
    const block = rawLeaves ? buffer.subarray(HEADROOM, HEADROOM + n) : frameLeaf(buffer, n);
    const digest = hash(block);
    const cid = rawLeaves
      ? CID.createV1(raw.code, digest)
      : cidVersion === 0
        ? CID.createV0(digest)
        : CID.createV1(DAG_PB, digest);
    await writer.write(cid, block, () => spare.push(buffer));
    await push(0, { cid, size: block.length, fileSize: n });
  };

  try {
    let buffer = new Uint8Array(HEADROOM + chunkSize + TAILROOM);
    let filled = 0;
    for await (const piece of content) {
      let from = 0;
      while (from < piece.length) {
        const take = Math.min(chunkSize - filled, piece.length - from);
        buffer.set(piece.subarray(from, from + take), HEADROOM + filled);
        filled += take;
        from += take;
        if (filled === chunkSize) {
          await leaf(buffer, filled);
          buffer = spare.pop() ?? new Uint8Array(HEADROOM + chunkSize + TAILROOM);
          filled = 0;
        }
      }
    }
    if (filled > 0 || leaves === 0) await leaf(buffer, filled);
    const root = await finish(levels, parent);
    await writer.drain();
    return { cid: root.cid, size: BigInt(root.size), fileSize: BigInt(fileSize) };
  } catch (error) {
    // Settle every write before failing, so none lands after the caller has given up on the file.
    await writer.drain().catch(() => {});
    throw error;
  }
}

/**
 * The root of a streamed balanced layout: from the bottom, each level's remaining nodes get a parent, until the top
 * level holds one node that no parent links (a single leaf is its own root, as Kubo's `reduceSingleLeafToSelf`).
 */
async function finish(levels: Built[][], parent: (children: Built[]) => Promise<Built>): Promise<Built> {
  for (let level = 0; ; level++) {
    const nodes = levels[level] ?? [];
    // The top level never filled a parent (a higher level would exist): its nodes are all it ever held.
    if (level === levels.length - 1 && nodes.length === 1) return nodes[0]!;
    if (nodes.length === 0) continue;
    const built = await parent(nodes);
    levels[level] = [];
    if (level + 1 === levels.length) levels.push([]);
    levels[level + 1]!.push(built);
  }
}
