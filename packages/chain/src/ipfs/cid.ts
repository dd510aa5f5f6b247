import type { CidV0 } from '@nosana/core';
import type { ImporterOptions } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { KUBO_CHUNK_SIZE, singleBlockCid } from './single-block-cid.js';

export { KUBO_CHUNK_SIZE, singleBlockCid } from './single-block-cid.js';

/**
 * Import options that produce exactly the CIDs `ipfs add` of Kubo produces by default (CIDv0: dag-pb leaves,
 * 256 KiB chunks, balanced DAG of 174 links). The libraries' own defaults give CIDv1 and must not be used.
 */
export function kuboV0ImportOptions(chunkSize: number = KUBO_CHUNK_SIZE): ImporterOptions {
  return {
    cidVersion: 0,
    rawLeaves: false,
    leafType: 'file',
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize }),
    layout: balanced({ maxChildrenPerNode: 174 }),
  };
}

/**
 * The CIDv0 Kubo would give `data`, computed locally without storing anything.
 *
 * @example
 * ```ts
 * await computeCid(new TextEncoder().encode('hello world')); // 'Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD'
 * ```
 */
export async function computeCid(
  data: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<CidV0> {
  if (data instanceof Uint8Array && data.length <= KUBO_CHUNK_SIZE) return singleBlockCid(data);
  const source = data instanceof Uint8Array ? [data] : data;
  // Loaded on first use: the importer and its dependencies cost a command ~0.08 s that reads no content.
  const [{ importByteStream }, { BlackHoleBlockstore }] = await Promise.all([
    import('ipfs-unixfs-importer'),
    import('blockstore-core'),
  ]);
  const { cid } = await importByteStream(source, new BlackHoleBlockstore(), kuboV0ImportOptions());
  return cid.toString();
}
