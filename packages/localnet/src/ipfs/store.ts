/**
 * The localnet's IPFS content store: UnixFS import/export with Kubo's exact CIDs, blocks in a filesystem
 * blockstore that re-hashes every block it reads, and a pin table of its own. One process owns a store
 * directory (the localnet); everything else reaches it over the Kubo-compatible HTTP API.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { kuboV0ImportOptions } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import { BlackHoleBlockstore } from 'blockstore-core';
import { FsBlockstore } from 'blockstore-fs';
import { exporter, type UnixFSEntry } from 'ipfs-unixfs-exporter';
import {
  type FileCandidate,
  type ImportCandidate,
  type ImportContent,
  type ImporterOptions,
  type ImportResult,
  importer,
} from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { base32upper } from 'multiformats/bases/base32';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { type FileLayoutOptions, importFile } from './unixfs-file.js';
import { isReadableFile, readFileRange } from './unixfs-read.js';
import '../errors.js';

/** Options of {@link ContentStore.add}, with Kubo's meaning. */
export interface AddOptions {
  cidVersion?: 0 | 1;
  /** Default: false for CIDv0, true for CIDv1 (as Kubo). */
  rawLeaves?: boolean;
  chunkSize?: number;
  wrapWithDirectory?: boolean;
  /** Compute CIDs without storing. */
  onlyHash?: boolean;
  /** Pin the top-level results. Default true. */
  pin?: boolean;
}

/** An added entry, as Kubo's `add` reports it. */
export interface AddedEntry {
  path: string;
  cid: CID;
  /** Cumulative DAG size in bytes (Kubo's `Size`). */
  size: bigint;
}

/** A content store over a directory. */
export interface ContentStore {
  add(
    source: AsyncIterable<ImportCandidate> | Iterable<ImportCandidate>,
    options?: AddOptions,
  ): AsyncGenerator<AddedEntry>;
  /** Adds bytes with Kubo's CIDv0 settings and pins them. */
  addBytes(bytes: Uint8Array): Promise<string>;
  /** Resolves `<cid>[/path]` to an entry. */
  resolve(path: string, signal?: AbortSignal): Promise<UnixFSEntry>;
  pin(cid: CID): Promise<void>;
  unpin(cid: CID): void;
  pins(): string[];
  has(cid: CID): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The store's blocks, in blockstore-fs's layout (`<dir>/<next-to-last two characters>/<base32 multihash>.data`, so
 * existing stores open unchanged), with faster I/O: a block is read with one `readFileSync` (not a 64 KiB read
 * stream and a concatenation), shard directories are created once (not one `mkdir` per block), and a block is
 * written to a temporary file and renamed, so a crash never leaves a partial block. Every block read is verified
 * against its CID's sha2-256 digest (the disk is not trusted).
 *
 * Block reads and writes are synchronous on purpose: a block is at most 1 MiB (256 KiB by default) and goes to or
 * comes from the page cache, a copy of a fraction of a millisecond, while the asynchronous calls cost a thread-pool
 * round trip each (open, write, close, rename: four per block) that took more of the server's CPU than the copy
 * (docs/benchmarks.md, "The receiving side"). The event loop is held for one block at a time; the loop runs other
 * work (the localnet's RPC) between blocks.
 */
class VerifyingBlockstore {
  private readonly shards = new Set<string>();
  private writes = 0;
  constructor(
    private readonly root: string,
    private readonly inner: FsBlockstore,
  ) {}
  /** blockstore-fs's `NextToLast` sharding: the multihash in base32 (upper case), sharded by its next-to-last two characters. */
  private location(cid: CID) {
    const name = base32upper.encoder.encode(cid.multihash.bytes);
    const dir = join(this.root, name.slice(-2));
    return { dir, file: join(dir, `${name}.data`) };
  }
  async put(cid: CID, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>) {
    const { dir, file } = this.location(cid);
    if (!this.shards.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.shards.add(dir);
    }
    const temporary = `${file}.${process.pid}.${this.writes++}.tmp`;
    try {
      // A block goes to the page cache in one synchronous write: on this path each asynchronous call (open, write,
      // close, rename) costs a thread-pool round trip that is dearer than the copy itself.
      if (bytes instanceof Uint8Array) writeFileSync(temporary, bytes);
      else await writeFile(temporary, Readable.from(bytes));
      renameSync(temporary, file);
    } catch (cause) {
      rmSync(temporary, { force: true });
      throw cause;
    }
    return cid;
  }
  has(cid: CID) {
    return this.inner.has(cid);
  }
  /** The block's bytes, verified against its CID. */
  async getBytes(cid: CID): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(this.location(cid).file);
    } catch (cause) {
      throw new NosanaError(
        'LOCALNET__IPFS_NOT_FOUND',
        `block ${cid} was not found in the store`,
        { cid: cid.toString() },
        { cause },
      );
    }
    if (cid.multihash.code === sha256.code) {
      const digest = createHash('sha256').update(bytes).digest();
      if (!digest.equals(cid.multihash.digest)) {
        throw new NosanaError(
          'LOCALNET__IPFS_CORRUPT_BLOCK',
          `block ${cid} is corrupted on disk (its content hashes differently)`,
          { cid: cid.toString() },
        );
      }
    }
    return bytes;
  }
  async *get(cid: CID): AsyncGenerator<Uint8Array> {
    yield await this.getBytes(cid);
  }
}

/** Parameters of {@link openContentStore}. */
export interface OpenContentStoreParameters {
  /** Directory for blocks and the pin table. */
  dir: string;
}

/**
 * Opens (creating if needed) a content store.
 *
 * @example
 * ```ts
 * const store = await openContentStore({ dir: '/tmp/ipfs' });
 * const cid = await store.addBytes(new TextEncoder().encode('hello world')); // Qmf412jQ…
 * ```
 */
export async function openContentStore({ dir }: OpenContentStoreParameters): Promise<ContentStore> {
  mkdirSync(join(dir, 'blocks'), { recursive: true });
  const fs = new FsBlockstore(join(dir, 'blocks'));
  await fs.open();
  const blocks = new VerifyingBlockstore(join(dir, 'blocks'), fs);
  const pinFile = join(dir, 'pins.json');
  const pinned = new Set<string>(readPins(pinFile));
  const savePins = () => {
    writeFileSync(`${pinFile}.tmp`, JSON.stringify([...pinned].sort()));
    renameSync(`${pinFile}.tmp`, pinFile);
  };

  const store: ContentStore = {
    async *add(source, options = {}) {
      const pin = (options.pin ?? true) && !options.onlyHash;
      const target = options.onlyHash ? new BlackHoleBlockstore() : blocks;
      const layout = fileLayout(options);
      const candidates = iterate(source);
      let rest: AsyncIterable<ImportCandidate> | undefined;
      try {
        // Top-level files (the usual add) take the one-copy encoder; anything else (directories, nested paths,
        // metadata, wrapping) goes to the importer from there on, with the same results.
        for (let next = await candidates.next(); !next.done; next = await candidates.next()) {
          const candidate = next.value;
          if (!layout || !isPlainFile(candidate)) {
            rest = resume(candidate, candidates);
            break;
          }
          const { cid, size } = await importFile({
            content: byteStream(candidate.content),
            layout,
            sink: options.onlyHash ? { put: async () => {} } : blocks,
          });
          if (pin) pinned.add(cid.toString());
          yield { path: candidate.path ?? '', cid, size };
        }
        if (!rest) return;
        for await (const entry of importer(rest, target, importerOptions(options))) {
          const topLevel = entry.path === undefined || entry.path === '' || !entry.path.includes('/');
          if (pin && topLevel) pinned.add(entry.cid.toString());
          yield {
            path: entry.path ?? '',
            cid: entry.cid,
            size: options.onlyHash ? entry.size : await dagSize(entry, blocks),
          };
        }
      } finally {
        if (pin) savePins();
        // A consumer that stops early ends the source too (a request body's parser, for one).
        await candidates.return?.();
      }
    },
    async addBytes(bytes) {
      const { cid } = await importFile({ content: [bytes], layout: KUBO_V0_LAYOUT, sink: blocks });
      await store.pin(cid);
      return cid.toString();
    },
    async resolve(path, signal) {
      const [head, ...rest] = path.replace(/^\/?ipfs\//, '').split('/');
      let cid: CID;
      try {
        cid = CID.parse(head ?? '');
      } catch {
        throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', `invalid path "${path}": not a CID`, {
          argument: path,
        });
      }
      try {
        const entry = await exporter(
          rest.length ? `${cid}/${rest.join('/')}` : cid,
          blocks,
          signal ? { signal } : {},
        );
        if ((entry.type === 'file' || entry.type === 'raw') && isReadableFile(entry.cid))
          entry.content = fileContent(entry.cid, Number(entry.size), blocks);
        return entry;
      } catch (error) {
        if (error instanceof NosanaError) throw error;
        if (
          (error as Error).name === 'NotFoundError' ||
          /not found|no link/i.test((error as Error).message)
        ) {
          throw new NosanaError(
            'LOCALNET__IPFS_NOT_FOUND',
            `${path} was not found in the store`,
            { cid: cid.toString() },
            { cause: error },
          );
        }
        throw error;
      }
    },
    async pin(cid) {
      // Pinning is recursive: every block of the DAG must be present.
      const entry = await store.resolve(cid.toString());
      if (entry.type === 'file' || entry.type === 'raw') for await (const _ of entry.content()) void _;
      pinned.add(cid.toString());
      savePins();
    },
    unpin(cid) {
      pinned.delete(cid.toString());
      savePins();
    },
    pins: () => [...pinned],
    has: (cid) => fs.has(cid),
    close: () => fs.close(),
  };
  return store;
}

function readPins(file: string): string[] {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as string[];
  } catch {
    return [];
  }
}

/** Kubo's `ipfs add` defaults: CIDv0, dag-pb leaves of 256 KiB. */
const KUBO_V0_LAYOUT: FileLayoutOptions = { cidVersion: 0, rawLeaves: false, chunkSize: 262_144 };

/** The file layout of an add, or undefined when the add wraps its files in a directory (the importer's work). */
function fileLayout(options: AddOptions): FileLayoutOptions | undefined {
  if (options.wrapWithDirectory) return undefined;
  const cidVersion = options.cidVersion ?? 0;
  return {
    cidVersion,
    rawLeaves: options.rawLeaves ?? cidVersion === 1,
    chunkSize: options.chunkSize ?? KUBO_V0_LAYOUT.chunkSize,
  };
}

/**
 * A file with content, no metadata, and a name without directories, or none (an absent or empty path: what
 * kubo-rpc-client and `curl -F file=@-` send for unnamed content): one DAG of its own.
 */
export const isPlainFile = (candidate: ImportCandidate): candidate is FileCandidate =>
  'content' in candidate &&
  candidate.content !== undefined &&
  candidate.mode === undefined &&
  candidate.mtime === undefined &&
  (candidate.path === undefined ||
    candidate.path === '' ||
    (/^[^/]+$/.test(candidate.path) && candidate.path !== '.'));

const iterate = <T>(source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> | Iterator<T> =>
  Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();

/** `first`, then what `rest` has left. */
async function* resume<T>(first: T, rest: AsyncIterator<T> | Iterator<T>): AsyncGenerator<T> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** A candidate's content as byte pieces. */
async function* byteStream(content: ImportContent): AsyncGenerator<Uint8Array> {
  if (content instanceof Uint8Array) {
    yield content;
    return;
  }
  for await (const piece of content) {
    if (!(piece instanceof Uint8Array))
      throw new NosanaError('LOCALNET__IPFS_BAD_REQUEST', 'file content must be bytes', {
        argument: 'content',
      });
    yield piece;
  }
}

/** A file's `content()` read with {@link readFileRange}, the range checked like the exporter checks it. */
function fileContent(root: CID, size: number, blocks: VerifyingBlockstore) {
  return (options: { offset?: number; length?: number } = {}) => {
    const offset = options.offset ?? 0;
    const length = options.length ?? size;
    if (offset < 0 || offset > size || length < 0)
      throw new NosanaError(
        'LOCALNET__IPFS_BAD_REQUEST',
        `cannot read ${length} bytes from byte ${offset} of a ${size}-byte file`,
        { argument: 'offset' },
      );
    return readFileRange({ root, blocks, offset, length: Math.min(length, size - offset) });
  };
}

function importerOptions(options: AddOptions): ImporterOptions {
  const cidVersion = options.cidVersion ?? 0;
  const chunkSize = options.chunkSize ?? 262_144;
  if (cidVersion === 0 && options.rawLeaves !== true) {
    return {
      ...kuboV0ImportOptions(chunkSize),
      wrapWithDirectory: options.wrapWithDirectory ?? false,
      fileImportConcurrency: 1,
    };
  }
  return {
    cidVersion,
    rawLeaves: options.rawLeaves ?? cidVersion === 1,
    leafType: 'file',
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize }),
    layout: balanced({ maxChildrenPerNode: 174 }),
    wrapWithDirectory: options.wrapWithDirectory ?? false,
    // Multipart parts arrive one after another: import each before asking for the next.
    fileImportConcurrency: 1,
  };
}

/** Kubo's `Size` of an added entry: the root block's bytes plus the `Tsize` of its links. */
async function dagSize(entry: ImportResult, blocks: VerifyingBlockstore): Promise<bigint> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of blocks.get(entry.cid)) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  if (entry.cid.code !== 0x70) return BigInt(bytes.length);
  const { decode } = await import('@ipld/dag-pb');
  return BigInt(bytes.length) + decode(bytes).Links.reduce((sum, link) => sum + BigInt(link.Tsize ?? 0), 0n);
}
