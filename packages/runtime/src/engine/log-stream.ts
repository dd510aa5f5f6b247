/**
 * Lines of one log request to the engine, with backpressure: a followed stream is paused while its consumer lags
 * (at most {@link QUEUE_HIGH_LINES} lines or {@link QUEUE_HIGH_BYTES} characters wait), and a whole body (an
 * unfollowed read) is parsed a slice at a time. So a job printing a flood never makes the reader pile lines up.
 */
import { createLogLineReader } from './log-frames.js';
import type { ContainerLogLine } from './types.js';

/** Log lines (and their characters) a followed stream may queue for its consumer before it is paused. */
export const QUEUE_HIGH_LINES = 4096;
export const QUEUE_HIGH_BYTES = 1024 * 1024;
const SLICE_BYTES = 64 * 1024;

/**
 * Reads the lines of an engine's log answer: a stream (followed) or a whole body. The stream is destroyed when the
 * consumer stops.
 *
 * @example
 * ```ts
 * for await (const line of readLogStream(await container.logs({ follow: true, stdout: true, timestamps: true })))
 *   keep(line);
 * ```
 */
export async function* readLogStream(
  raw: NodeJS.ReadableStream | Buffer,
  maxLineBytes?: number,
): AsyncGenerator<ContainerLogLine> {
  // Lines wait here for the consumer; past a high-water mark the engine's stream is paused (a flood must not
  // pile up in memory when the consumer is slower than the engine), and resumed once the queue has drained.
  let lines: ContainerLogLine[] = [];
  let queuedBytes = 0;
  let paused = false;
  let wake: (() => void) | undefined;
  let ended = false;
  const stream = raw as NodeJS.ReadableStream;
  const reader = createLogLineReader(
    (line) => {
      lines.push(line);
      queuedBytes += line.line.length;
      if (
        !paused &&
        !Buffer.isBuffer(raw) &&
        (lines.length > QUEUE_HIGH_LINES || queuedBytes > QUEUE_HIGH_BYTES)
      ) {
        paused = true;
        stream.pause();
      }
      wake?.();
    },
    Date.now,
    { ...(maxLineBytes === undefined ? {} : { maxLineBytes }) },
  );
  if (Buffer.isBuffer(raw)) {
    // Without follow, dockerode answers with the whole (still multiplexed) body, up to the engine's retained
    // log: it is parsed a slice at a time, so only one slice's lines wait for the consumer.
    for (let offset = 0; offset < raw.length; offset += SLICE_BYTES) {
      reader.push(raw.subarray(offset, offset + SLICE_BYTES));
      const batch = lines;
      lines = [];
      yield* batch;
    }
    reader.end();
    yield* lines;
    return;
  }
  stream.on('data', (chunk: Buffer) => reader.push(chunk));
  const finish = () => {
    if (ended) return;
    ended = true;
    reader.end();
    wake?.();
  };
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', finish);
  try {
    while (true) {
      const batch = lines;
      lines = [];
      queuedBytes = 0;
      if (paused && !ended) {
        paused = false;
        stream.resume();
      }
      yield* batch;
      if (lines.length > 0) continue;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    (raw as unknown as { destroy?: () => void }).destroy?.();
  }
}
