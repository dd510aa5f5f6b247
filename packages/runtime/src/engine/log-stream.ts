/**
 * Lines of one log request to the engine, with backpressure: the answer's stream (followed or not: the engine
 * adapter always asks for a stream) is paused while its consumer lags (at most {@link QUEUE_HIGH_LINES} lines or
 * {@link QUEUE_HIGH_BYTES} characters wait). So a job printing a flood never makes the reader pile lines up.
 */
import { createLogLineReader } from './log-frames.js';
import type { ContainerLogLine } from './types.js';

/** Log lines (and their characters) a stream may queue for its consumer before it is paused. */
export const QUEUE_HIGH_LINES = 4096;
export const QUEUE_HIGH_BYTES = 1024 * 1024;

/**
 * Reads the lines of an engine's log answer, in batches (the lines that arrived since the consumer last asked:
 * a flood of short lines costs one iteration per batch, not per line). The stream is destroyed when the consumer
 * stops.
 *
 * @example
 * ```ts
 * for await (const batch of readLogStream(await container.logs({ follow: true, stdout: true, timestamps: true })))
 *   for (const line of batch) keep(line);
 * ```
 */
export async function* readLogStream(
  stream: NodeJS.ReadableStream,
  maxLineBytes?: number,
): AsyncGenerator<ContainerLogLine[]> {
  // Lines wait here for the consumer; past a high-water mark the engine's stream is paused (a flood must not
  // pile up in memory when the consumer is slower than the engine), and resumed once the queue has drained.
  let lines: ContainerLogLine[] = [];
  let queuedBytes = 0;
  let paused = false;
  let wake: (() => void) | undefined;
  let ended = false;
  const reader = createLogLineReader(
    (line) => {
      lines.push(line);
      queuedBytes += line.line.length;
      if (!paused && (lines.length > QUEUE_HIGH_LINES || queuedBytes > QUEUE_HIGH_BYTES)) {
        paused = true;
        stream.pause();
      }
      wake?.();
    },
    Date.now,
    { ...(maxLineBytes === undefined ? {} : { maxLineBytes }) },
  );
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
      if (batch.length > 0) yield batch;
      if (lines.length > 0) continue;
      if (ended) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
}
