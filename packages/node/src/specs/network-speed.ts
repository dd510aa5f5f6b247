/**
 * Network speed against an endpoint the operator chooses (never a default one): download with a GET, upload with a
 * POST of a fixed number of bytes. The clock and `fetch` are passed in.
 */
import { NosanaError } from '@nosana/core';
import '../errors.js';

/** What {@link measureNetwork} measured. */
export interface NetworkSpeed {
  url: string;
  /** Milliseconds until the GET's response headers arrived. */
  latencyMs: number;
  downloadBytes: number;
  /** Megabits per second (10^6 bits). */
  downloadMbps: number;
  uploadBytes: number;
  uploadMbps: number;
}

/** Parameters of {@link measureNetwork}. */
export interface MeasureNetworkParameters {
  /** An http(s) endpoint answering GET with a body (up to `maxDownloadBytes` are read) and accepting POST. */
  url: string;
  /** Bytes to upload. Default 10 MB. */
  uploadBytes?: number;
  /** The most bytes read from the download. Default 100 MB. */
  maxDownloadBytes?: number;
  /** Give up after this long (each direction). Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Milliseconds of a monotonic clock. Default `performance.now`. */
  now?: () => number;
}

const mbps = (bytes: number, ms: number) =>
  ms > 0 ? Math.round(((bytes * 8) / (ms / 1000) / 1e6) * 10) / 10 : 0;

/**
 * Measures download and upload speed to `url`. Failures (refused scheme, no answer, HTTP error, timeout) throw
 * `NODE__SPEED_TEST_FAILED` naming the URL and the direction.
 *
 * @example
 * ```ts
 * const speed = await measureNetwork({ url: 'https://speed.example.org/10mb' });
 * speed.downloadMbps; // 412.7
 * ```
 */
export async function measureNetwork(parameters: MeasureNetworkParameters): Promise<NetworkSpeed> {
  const {
    url,
    uploadBytes = 10_000_000,
    maxDownloadBytes = 100_000_000,
    timeoutMs = 30_000,
    fetch: fetcher = fetch,
    now = () => performance.now(),
  } = parameters;
  const fail = (direction: string, reason: string, cause?: unknown): never => {
    throw new NosanaError(
      'NODE__SPEED_TEST_FAILED',
      `the speed test against ${url} failed (${direction}): ${reason} — give an http(s) endpoint that answers GET with a body and accepts POST`,
      { url, direction, reason },
      cause === undefined ? {} : { cause },
    );
  };
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    return fail('setup', 'not an http(s) URL');

  const started = now();
  let latencyMs = 0;
  let downloadBytes = 0;
  try {
    const response = await fetcher(parsed, { signal: AbortSignal.timeout(timeoutMs) });
    latencyMs = now() - started;
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return fail('download', `HTTP ${response.status}`);
    }
    if (response.body)
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        downloadBytes += chunk.byteLength;
        if (downloadBytes >= maxDownloadBytes) break;
      }
  } catch (error) {
    if (error instanceof NosanaError) throw error;
    return fail('download', (error as Error).message, error);
  }
  const downloadMs = now() - started;

  const uploadStarted = now();
  try {
    const response = await fetcher(parsed, {
      method: 'POST',
      body: new Uint8Array(uploadBytes),
      headers: { 'content-type': 'application/octet-stream' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) return fail('upload', `HTTP ${response.status}`);
  } catch (error) {
    if (error instanceof NosanaError) throw error;
    return fail('upload', (error as Error).message, error);
  }
  const uploadMs = now() - uploadStarted;
  return {
    url,
    latencyMs: Math.round(latencyMs),
    downloadBytes,
    downloadMbps: mbps(downloadBytes, downloadMs),
    uploadBytes,
    uploadMbps: mbps(uploadBytes, uploadMs),
  };
}
