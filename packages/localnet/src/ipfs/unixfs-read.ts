/**
 * A byte range of a UnixFS file (dag-pb nodes with `blocksizes`, raw or dag-pb leaves), read in order with a few
 * blocks read ahead: the next leaves come off the disk (and are verified) while the reader sends the current one.
 * At most `lookahead` blocks per level of the DAG are held, whatever the reader's pace.
 */
import { decode } from '@ipld/dag-pb';
import { NosanaError } from '@nosana/core';
import { UnixFS } from 'ipfs-unixfs';
import type { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import '../errors.js';

const DAG_PB = 0x70;

/** Where {@link readFileRange} reads blocks: verified bytes of a block, or a coded error. */
export interface BlockSource {
  getBytes(cid: CID): Promise<Uint8Array>;
}

/** Parameters of {@link readFileRange}. */
export interface ReadFileRangeParameters {
  root: CID;
  blocks: BlockSource;
  /** First byte. Default 0. */
  offset?: number;
  /** Bytes to read from `offset`. Default: to the end. */
  length?: number;
  /** Blocks read ahead per level. Default 8. */
  lookahead?: number;
}

/** Whether {@link readFileRange} can read the DAG under `cid` (dag-pb or raw blocks). */
export const isReadableFile = (cid: CID): boolean => cid.code === DAG_PB || cid.code === raw.code;

const corrupt = (cid: CID, why: string) =>
  new NosanaError('LOCALNET__IPFS_CORRUPT_BLOCK', `block ${cid} is not a valid UnixFS file node: ${why}`, {
    cid: cid.toString(),
  });

/** A file node's own bytes and its children with their file sizes. */
interface FileNode {
  data: Uint8Array | undefined;
  links: Array<{ cid: CID; fileSize: number }>;
}

function fileNode(cid: CID, bytes: Uint8Array): FileNode {
  if (cid.code === raw.code) return { data: bytes, links: [] };
  let unixfs: UnixFS;
  let node: ReturnType<typeof decode>;
  try {
    node = decode(bytes);
    if (!node.Data) throw new Error('no UnixFS data');
    unixfs = UnixFS.unmarshal(node.Data);
  } catch (error) {
    throw corrupt(cid, (error as Error).message);
  }
  if (unixfs.type !== 'file' && unixfs.type !== 'raw')
    throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', `${cid} is a ${unixfs.type}, not a file`, {
      argument: cid.toString(),
    });
  if (node.Links.length !== unixfs.blockSizes.length) throw corrupt(cid, 'its links and blocksizes differ');
  return {
    data: unixfs.data,
    links: node.Links.map((link, i) => ({ cid: link.Hash, fileSize: Number(unixfs.blockSizes[i]) })),
  };
}

/** The bytes in [start, end) of the file under `node`, whose first byte is at `base`. */
async function* walk(
  node: FileNode,
  base: number,
  start: number,
  end: number,
  blocks: BlockSource,
  lookahead: number,
): AsyncGenerator<Uint8Array> {
  let position = base;
  if (node.data?.length) {
    const from = Math.max(start - position, 0);
    const to = Math.min(end - position, node.data.length);
    if (to > from) yield node.data.subarray(from, to);
    position += node.data.length;
  }
  const queue: Array<{ cid: CID; bytes: Promise<Uint8Array>; base: number }> = [];
  const next = async function* () {
    const child = queue.shift()!;
    yield* walk(fileNode(child.cid, await child.bytes), child.base, start, end, blocks, lookahead);
  };
  try {
    for (const link of node.links) {
      const childBase = position;
      position += link.fileSize;
      if (position <= start) continue;
      if (childBase >= end) break;
      const bytes = blocks.getBytes(link.cid);
      // Awaited in order below; a read that fails after the reader stops must not be an unhandled rejection.
      bytes.catch(() => {});
      queue.push({ cid: link.cid, bytes, base: childBase });
      if (queue.length > lookahead) yield* next();
    }
    while (queue.length > 0) yield* next();
  } finally {
    queue.length = 0;
  }
}

/**
 * Reads `length` bytes from `offset` of the UnixFS file at `root`, in order, as the blocks' own slices (no copies).
 * A block that is missing, corrupted or not a file node fails the read with a coded error, as does a DAG whose
 * sizes do not add up.
 *
 * @example
 * ```ts
 * for await (const piece of readFileRange({ root: cid, blocks, offset: 0, length: 1024 })) response.write(piece);
 * ```
 */
export async function* readFileRange({
  root,
  blocks,
  offset = 0,
  length = Number.POSITIVE_INFINITY,
  lookahead = 8,
}: ReadFileRangeParameters): AsyncGenerator<Uint8Array> {
  const end = offset + length;
  let read = 0;
  for await (const piece of walk(
    fileNode(root, await blocks.getBytes(root)),
    0,
    offset,
    end,
    blocks,
    lookahead,
  )) {
    read += piece.length;
    yield piece;
  }
  if (Number.isFinite(length) && read !== length)
    throw corrupt(root, `its DAG holds ${read} of the ${length} bytes asked for from byte ${offset}`);
}
