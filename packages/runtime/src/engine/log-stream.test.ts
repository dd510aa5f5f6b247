import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { QUEUE_HIGH_LINES, readLogStream } from './log-stream.js';

const text = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}\n`).join('');

describe('reading a log answer', () => {
  it('pauses a followed stream while the consumer lags and resumes it once drained; every line arrives in order', async () => {
    const stream = new PassThrough();
    const chunk = QUEUE_HIGH_LINES + 10;
    const total = chunk * 3;
    // Three chunks, each over the high-water mark: the reader must pause after each and resume to get the next.
    for (let i = 0; i < 3; i++) stream.write(text(i * chunk, (i + 1) * chunk));
    stream.end();
    let pauses = 0;
    let resumes = 0;
    stream.on('pause', () => pauses++);
    stream.on('resume', () => resumes++);
    const seen: string[] = [];
    for await (const batch of readLogStream(stream)) {
      expect(batch.length).toBeGreaterThan(0);
      seen.push(...batch.map((line) => line.line));
    }
    expect(pauses).toBeGreaterThanOrEqual(3);
    expect(resumes).toBeGreaterThanOrEqual(3);
    expect(seen).toHaveLength(total);
    expect(seen.slice(0, 2)).toEqual(['line 0', 'line 1']);
    expect(seen.at(-1)).toBe(`line ${total - 1}`);
  });

  it('reads an answer that has already ended (an unfollowed read), the last line kept without its newline', async () => {
    const body = new PassThrough();
    body.end(Buffer.from(`${text(0, 50_000)}tail`));
    const seen: string[] = [];
    for await (const batch of readLogStream(body)) seen.push(...batch.map((line) => line.line));
    expect(seen).toHaveLength(50_001);
    expect(seen[49_999]).toBe('line 49999');
    expect(seen.at(-1)).toBe('tail');
  });
});
