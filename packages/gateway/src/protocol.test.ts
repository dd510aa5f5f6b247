import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { line, MAX_CONTROL_LINE, readMessages } from './protocol.js';

describe('control messages', () => {
  it('are read line by line across chunk boundaries', () => {
    const stream = new PassThrough();
    const seen: unknown[] = [];
    readMessages(stream, (m) => seen.push(m));
    const text = line({ type: 'unexpose', ref: 'a' }) + line({ type: 'unexpose', ref: 'b' });
    stream.write(text.slice(0, 10));
    stream.write(text.slice(10));
    expect(seen).toEqual([
      { type: 'unexpose', ref: 'a' },
      { type: 'unexpose', ref: 'b' },
    ]);
  });

  it('a line that is not JSON, or too long, ends the stream', async () => {
    const errors: string[] = [];
    const bad = new PassThrough().on('error', (e) => errors.push(e.message));
    readMessages(bad, () => undefined);
    bad.write('nope\n');
    expect(bad.destroyed).toBe(true);
    const long = new PassThrough().on('error', (e) => errors.push(e.message));
    readMessages(long, () => undefined);
    long.write('x'.repeat(MAX_CONTROL_LINE + 1));
    expect(long.destroyed).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(['control stream: a message is not JSON', 'control stream: message too long']);
  });
});
