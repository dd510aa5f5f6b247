/**
 * The CIDv0 of content of one chunk, computed without the UnixFS importer: what `computeCid` uses for small content
 * and the lite reads use to verify definitions and results (`@nosana/chain/lite`).
 */
import { createHash } from 'node:crypto';
import type { CidV0 } from '@nosana/core';
import { base58 } from '@scure/base';

/** Kubo's chunk size for `ipfs add` (and so for CIDv0). */
export const KUBO_CHUNK_SIZE = 262_144;

/** Protobuf varint bytes of `n`. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

/**
 * The CIDv0 Kubo gives content of at most one chunk (256 KiB): a single dag-pb node holding a UnixFS file with the
 * bytes, hashed without building the block (the importer's result, computed in a few microseconds and without
 * loading it). The block is `PBNode { Data: UnixFS { Type: File, Data: bytes (left out when empty), filesize } }`.
 *
 * @example
 * ```ts
 * singleBlockCid(new TextEncoder().encode('hello world')); // 'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD'
 * ```
 */
export function singleBlockCid(data: Uint8Array): CidV0 {
  const n = data.length;
  if (n > KUBO_CHUNK_SIZE)
    throw new RangeError(`singleBlockCid takes at most ${KUBO_CHUNK_SIZE} bytes, got ${n}`);
  // UnixFS: field 1 Type = 2 (File), field 2 Data (only when not empty), field 3 filesize.
  const unixfsHead = n > 0 ? [0x08, 0x02, 0x12, ...varint(n)] : [0x08, 0x02];
  const tail = [0x18, ...varint(n)];
  // dag-pb PBNode: field 1 Data = the UnixFS message (no links).
  const head = [0x0a, ...varint(unixfsHead.length + n + tail.length), ...unixfsHead];
  const digest = createHash('sha256')
    .update(Uint8Array.from(head))
    .update(data)
    .update(Uint8Array.from(tail))
    .digest();
  const multihash = new Uint8Array(34);
  multihash[0] = 0x12;
  multihash[1] = 0x20;
  multihash.set(digest, 2);
  return base58.encode(multihash) as CidV0;
}
