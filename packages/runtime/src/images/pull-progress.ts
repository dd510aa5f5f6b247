/**
 * An image pull's progress from the engine's per-layer messages: bytes downloaded of the layers' sizes known so far,
 * layer counts, and the phase, reported at most every `intervalMs` (plus every phase change and the end), so a
 * multi-GB pull gives a steady trickle of updates instead of one message per chunk. Pure: the clock is passed in.
 */
import type { PullProgress } from '../engine/types.js';

/** One message of the engine's pull stream (Docker's and Podman's compat API). */
export interface EnginePullMessage {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
}

/** Parameters of {@link createPullTracker}. */
export interface CreatePullTrackerParameters {
  image: string;
  /** Called with the progress (throttled). */
  onProgress: (progress: PullProgress) => void;
  /** Least time between two reports of the same phase. Default 250 ms. */
  intervalMs?: number;
  now?: () => number;
}

interface Layer {
  size: number;
  downloaded: number;
  state: 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done' | 'cached';
}

/** A pull tracker: feed it the engine's messages, then `finish()` once the pull succeeded. */
export interface PullTracker {
  update(message: EnginePullMessage): void;
  /** Reports the final progress (everything downloaded and extracted). */
  finish(): void;
  /** The progress now (not throttled). */
  current(): PullProgress;
}

/** Layer ids are 12 hex digits; other ids (the tag in "Pulling from …") are not layers. */
const LAYER_ID = /^[0-9a-f]{12,64}$/;

function applyMessage(layer: Layer, status: string, detail: EnginePullMessage['progressDetail']) {
  if (status === 'Already exists') {
    layer.state = 'cached';
    return;
  }
  if (status === 'Downloading') {
    layer.state = 'downloading';
    if (detail?.total) layer.size = detail.total;
    if (detail?.current !== undefined)
      layer.downloaded = Math.min(detail.current, layer.size || detail.current);
    return;
  }
  if (status === 'Verifying Checksum' || status === 'Download complete') {
    layer.state = 'downloaded';
    layer.downloaded = layer.size;
    return;
  }
  if (status === 'Extracting') {
    layer.state = 'extracting';
    if (detail?.total && !layer.size) layer.size = detail.total;
    layer.downloaded = layer.size;
    return;
  }
  if (status === 'Pull complete') {
    layer.state = 'done';
    layer.downloaded = layer.size;
  }
}

/**
 * Tracks one pull.
 *
 * @example
 * ```ts
 * const tracker = createPullTracker({ image, onProgress: (p) => console.log(p.current, p.total) });
 * docker.modem.followProgress(stream, () => tracker.finish(), (message) => tracker.update(message));
 * ```
 */
export function createPullTracker({
  image,
  onProgress,
  intervalMs = 250,
  now = Date.now,
}: CreatePullTrackerParameters): PullTracker {
  const layers = new Map<string, Layer>();
  let status = 'pulling';
  let lastAt = Number.NEGATIVE_INFINITY;
  let lastPhase: PullProgress['phase'] | undefined;

  const snapshot = (finished = false): PullProgress => {
    let current = 0;
    let total = 0;
    let done = 0;
    let cached = 0;
    let downloading = false;
    for (const layer of layers.values()) {
      if (layer.state === 'cached') {
        cached++;
        continue;
      }
      current += finished ? layer.size : layer.downloaded;
      total += layer.size;
      if (finished || layer.state === 'done') done++;
      if (layer.state === 'waiting' || layer.state === 'downloading') downloading = true;
    }
    const pulled = layers.size - cached;
    const phase: PullProgress['phase'] = finished
      ? 'complete'
      : pulled > 0 && !downloading
        ? 'extracting'
        : 'downloading';
    return { image, status, phase, current, total, layers: { total: pulled, done, cached } };
  };

  const report = (force: boolean) => {
    const progress = snapshot();
    const at = now();
    if (!force && progress.phase === lastPhase && at - lastAt < intervalMs) return;
    lastAt = at;
    lastPhase = progress.phase;
    onProgress(progress);
  };

  return {
    update(message) {
      if (message.status) status = message.status;
      const id = message.id;
      if (id && LAYER_ID.test(id) && message.status) {
        let layer = layers.get(id);
        if (!layer) {
          layer = { size: 0, downloaded: 0, state: 'waiting' };
          layers.set(id, layer);
        }
        applyMessage(layer, message.status, message.progressDetail);
      }
      report(false);
    },
    finish() {
      lastPhase = 'complete';
      onProgress(snapshot(true));
    },
    current: () => snapshot(),
  };
}
