/**
 * The node's image cache: the images it pulled or ran are kept up to an operator's disk limit, the least recently
 * used evicted first. Never evicted: an image a running (or about to run) job needs, the market's required images,
 * an image some container still uses (the engine refuses to remove it), and images the node never pulled or used
 * (the operator's own). Recency is kept in the node's store, so it survives restarts.
 */
import type { ContainerEngine } from '@nosana/runtime';
import type { NodeStore } from './store.js';

/** An image the cache manages, with its size. */
export interface CachedImage {
  image: string;
  bytes: number;
  lastUsed: number;
}

/**
 * Which images to evict to get `images` under `maxBytes`: least recently used first, protected ones skipped. May
 * return fewer than needed when protected images alone exceed the limit. Pure.
 *
 * @example
 * ```ts
 * planEviction({ images, protect: new Set(['app:1']), maxBytes: 50e9 }); // [{ image: 'old:1', … }]
 * ```
 */
export function planEviction({
  images,
  protect,
  maxBytes,
}: {
  images: CachedImage[];
  protect: ReadonlySet<string>;
  maxBytes: number;
}): CachedImage[] {
  let total = images.reduce((sum, i) => sum + i.bytes, 0);
  const evict: CachedImage[] = [];
  for (const candidate of [...images].sort((a, b) => a.lastUsed - b.lastUsed)) {
    if (total <= maxBytes) break;
    if (protect.has(candidate.image)) continue;
    evict.push(candidate);
    total -= candidate.bytes;
  }
  return evict;
}

/** What one pass of {@link enforceImageCache} did. */
export interface ImageCacheResult {
  /** Bytes of managed images before the pass. */
  totalBytes: number;
  evicted: CachedImage[];
  /** Chosen for eviction but still used by a container: kept. */
  inUse: string[];
}

/** Parameters of {@link enforceImageCache}. */
export interface EnforceImageCacheParameters {
  engine: Pick<ContainerEngine, 'inspectImage' | 'removeImage'>;
  store: Pick<NodeStore, 'imageUses' | 'forgetImage'>;
  maxBytes: number;
  protect: ReadonlySet<string>;
}

/**
 * Evicts least recently used images until the managed ones fit `maxBytes`. Images gone from the engine are
 * forgotten. Does nothing on an engine that cannot inspect or remove images.
 *
 * @example
 * ```ts
 * const { evicted } = await enforceImageCache({ engine, store, maxBytes: 100e9, protect: new Set(required) });
 * ```
 */
export async function enforceImageCache({
  engine,
  store,
  maxBytes,
  protect,
}: EnforceImageCacheParameters): Promise<ImageCacheResult> {
  if (!engine.inspectImage || !engine.removeImage) return { totalBytes: 0, evicted: [], inUse: [] };
  const images: CachedImage[] = [];
  for (const use of store.imageUses()) {
    const found = await engine.inspectImage(use.image);
    if (!found) await store.forgetImage(use.image);
    else images.push({ image: use.image, bytes: found.size ?? 0, lastUsed: use.lastUsed });
  }
  const totalBytes = images.reduce((sum, i) => sum + i.bytes, 0);
  const evicted: CachedImage[] = [];
  const inUse: string[] = [];
  for (const candidate of planEviction({ images, protect, maxBytes })) {
    const outcome = await engine.removeImage(candidate.image);
    if (outcome === 'in-use') {
      inUse.push(candidate.image);
      continue;
    }
    await store.forgetImage(candidate.image);
    if (outcome === 'removed') evicted.push(candidate);
  }
  return { totalBytes, evicted, inUse };
}

/**
 * The images a job definition's ops run (an op's `image`, else `global.image`).
 *
 * @example
 * ```ts
 * imagesOf(definition); // ['127.0.0.1:5000/app:1']
 * ```
 */
export function imagesOf(definition: {
  global?: { image?: string };
  ops: Array<{ type: string; args: unknown }>;
}): string[] {
  const images = new Set<string>();
  for (const op of definition.ops) {
    if (op.type !== 'container/run') continue;
    const image = (op.args as { image?: string }).image ?? definition.global?.image;
    if (image) images.add(image);
  }
  return [...images];
}
