/**
 * Pre-pulling: the images a market declares (`required_images`) and those the operator names are pulled before the
 * node joins the market's queue, so its first job does not wait for them. Images already present cost one inspect;
 * a failed pull is reported and the node joins anyway (the job's own pull tries again).
 */
import { isNosanaError } from '@nosana/core';
import type { ContainerEngine, PullProgress } from '@nosana/runtime';

/** Most images pre-pulled at once: a market's list is data from outside, and each entry costs a pull. */
export const MAX_PRE_PULL_IMAGES = 32;

/** What became of one image. */
export interface PrePullResult {
  image: string;
  /** `present`: already on the host; `pulled`: pulled now; `failed`: the pull failed (see `error`). */
  outcome: 'present' | 'pulled' | 'failed';
  /** Time spent on the image, in ms. */
  ms: number;
  /** Bytes downloaded (pulled images). */
  bytes?: number;
  error?: { code?: string; message: string };
}

/** Parameters of {@link prePullImages}. */
export interface PrePullImagesParameters {
  engine: Pick<ContainerEngine, 'imageExists' | 'pullImage'>;
  images: string[];
  signal?: AbortSignal;
  now?: () => number;
  onProgress?: (image: string, progress: PullProgress) => void;
  /** Called as each image is done, in order. */
  onResult?: (result: PrePullResult) => void;
}

/** An image reference worth asking the engine about: bounded, made of the characters references use. */
const plausibleReference = (image: string) => image.length <= 512 && /^[A-Za-z0-9][\w.:/@+-]*$/.test(image);

/**
 * The images to pre-pull: the market's then the operator's, de-duplicated, implausible references dropped, at most
 * {@link MAX_PRE_PULL_IMAGES}.
 *
 * @example
 * ```ts
 * prePullList(['app:1', 'app:1', 'bad ref'], ['tools:2']); // { images: ['app:1', 'tools:2'], dropped: ['bad ref'] }
 * ```
 */
export function prePullList(
  market: unknown[],
  operator: string[] = [],
): { images: string[]; dropped: string[] } {
  const images: string[] = [];
  const dropped: string[] = [];
  for (const image of [...market, ...operator]) {
    if (typeof image !== 'string' || !plausibleReference(image)) dropped.push(String(image).slice(0, 80));
    else if (!images.includes(image)) {
      if (images.length < MAX_PRE_PULL_IMAGES) images.push(image);
      else dropped.push(image);
    }
  }
  return { images, dropped };
}

/**
 * Pulls each image that is not on the host yet, one after another; never throws for a failed pull.
 *
 * @example
 * ```ts
 * const results = await prePullImages({ engine, images: ['127.0.0.1:5000/app:1'], onResult: (r) => console.log(r) });
 * ```
 */
export async function prePullImages({
  engine,
  images,
  signal,
  now = Date.now,
  onProgress,
  onResult,
}: PrePullImagesParameters): Promise<PrePullResult[]> {
  const results: PrePullResult[] = [];
  for (const image of images) {
    if (signal?.aborted) break;
    const started = now();
    let bytes = 0;
    let result: PrePullResult;
    try {
      if (await engine.imageExists(image)) {
        result = { image, outcome: 'present', ms: now() - started };
      } else {
        await engine.pullImage(image, {
          onProgress: (progress) => {
            bytes = progress.current;
            onProgress?.(image, progress);
          },
          ...(signal ? { signal } : {}),
        });
        result = { image, outcome: 'pulled', ms: now() - started, bytes };
      }
    } catch (error) {
      result = {
        image,
        outcome: 'failed',
        ms: now() - started,
        error: { ...(isNosanaError(error) ? { code: error.code } : {}), message: (error as Error).message },
      };
    }
    results.push(result);
    onResult?.(result);
  }
  return results;
}
