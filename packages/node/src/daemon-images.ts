/**
 * The daemon's image wiring: the pre-pull before the node joins the queue, the recency of the images jobs use, and
 * the image cache kept under the operator's limit. The daemon hands it a view of its state ({@link DaemonImages}).
 */
import type { ContainerEngine } from '@nosana/runtime';
import type { ChainPort } from './chain-port.js';
import type { NodeEvent, NodeImageStatus } from './events.js';
import { enforceImageCache } from './image-cache.js';
import { prePullImages, prePullList } from './pre-pull.js';
import type { Clock } from './retry.js';
import type { NodeStore } from './store.js';

/** What the image wiring reads and changes of the daemon. */
export interface DaemonImages {
  chain: ChainPort;
  engine: ContainerEngine;
  store: NodeStore;
  clock: Clock;
  /** Aborted when the node stops: ends the pre-pull. */
  signal: AbortSignal;
  /** Images to pre-pull besides the market's; `false`: none at all. */
  prePull: string[] | false | undefined;
  /** The operator's disk limit for images; undefined: nothing evicted. */
  imageCache: { maxBytes: number } | undefined;
  /** Pre-pulled images, in order (the node's `images()`). */
  images: Map<string, NodeImageStatus>;
  /** Images of the jobs running now (never evicted). */
  jobImages: Map<string, string[]>;
  emit(event: NodeEvent): void;
  warn(message: string): void;
  /** Called before the first pull: the node reports `preparing`. */
  preparing(): void;
}

/**
 * Records the images a job uses: protected from eviction while it runs, and touched (recency) in the store.
 *
 * @example
 * ```ts
 * noteJobImages(images, job, ['ubuntu:24.04']);
 * ```
 */
export function noteJobImages(d: DaemonImages, job: string, images: string[]): void {
  d.jobImages.set(job, images);
  for (const image of images) void d.store.touchImage(image, d.clock.now()).catch(() => undefined);
}

/**
 * Evicts least recently used images over the operator's limit; a failure is a warning, never a stop.
 *
 * @example
 * ```ts
 * await keepImageCache(images); // after each job and after pre-pulling
 * ```
 */
export async function keepImageCache(d: DaemonImages): Promise<void> {
  if (!d.imageCache) return;
  const protect = new Set([...d.images.keys(), ...[...d.jobImages.values()].flat()]);
  try {
    const { evicted } = await enforceImageCache({
      engine: d.engine,
      store: d.store,
      maxBytes: d.imageCache.maxBytes,
      protect,
    });
    for (const { image, bytes, lastUsed } of evicted)
      d.emit({ type: 'image-evicted', image, bytes, lastUsed });
  } catch (error) {
    d.warn(`image cache: ${(error as Error).message}`);
  }
}

/**
 * Pulls the market's required images (and the operator's) before the node joins the queue, then keeps the cache.
 *
 * @example
 * ```ts
 * await prePullForMarket(images, market);
 * ```
 */
export async function prePullForMarket(d: DaemonImages, market: string): Promise<void> {
  if (d.prePull === false) return;
  let declared: string[] = [];
  try {
    declared = await d.chain.requiredImages(market);
  } catch (error) {
    d.warn(`cannot read the images market ${market} requires (${(error as Error).message}); none pre-pulled`);
  }
  const { images, dropped } = prePullList(declared, d.prePull ?? []);
  if (dropped.length > 0)
    d.warn(`not pre-pulled (not an image reference, or over the limit): ${dropped.join(', ')}`);
  if (images.length === 0) return;
  for (const image of images) d.images.set(image, { image, state: 'pending' });
  d.preparing();
  await prePullImages({
    engine: d.engine,
    images,
    signal: d.signal,
    now: () => d.clock.now(),
    onProgress: (image, progress) => {
      d.images.set(image, { image, state: 'pulling', progress });
      d.emit({ type: 'image-pull', image, progress });
    },
    onResult: (result) => {
      const { outcome, ...rest } = result;
      d.images.set(result.image, { ...rest, state: outcome });
      if (outcome !== 'failed') void d.store.touchImage(result.image, d.clock.now()).catch(() => undefined);
      d.emit({ type: 'image-ready', result });
    },
  });
  await keepImageCache(d);
}
