import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createLogLineReader } from './log-frames.js';
import type { ContainerLogLine } from './types.js';

const frame = (stream: 1 | 2, payload: string | Buffer) => {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};
const read = (chunks: Buffer[]) => {
  const lines: ContainerLogLine[] = [];
  const reader = createLogLineReader(
    (line) => lines.push(line),
    () => 42,
  );
  for (const chunk of chunks) reader.push(chunk);
  reader.end();
  return lines;
};
const T1 = '2026-11-30T00:59:47.364780970Z';
const T2 = '2026-11-30T00:59:48Z';

describe('log stream reader', () => {
  it('reads Docker frames: one timestamped record per frame, stdout and stderr apart, an unterminated last line', () => {
    expect(
      read([frame(1, `${T1} a\n`), frame(2, `${T1} b\n`), frame(1, `${T2} c`)]).map((l) => [
        l.stream,
        l.line,
        l.timestamp,
      ]),
    ).toEqual([
      ['stdout', 'a', Date.parse(T1)],
      ['stderr', 'b', Date.parse(T1)],
      ['stdout', 'c', Date.parse(T2)],
    ]);
  });

  it('joins a line written in pieces (each piece its own timestamped record, as Podman sends them), with the first timestamp', () => {
    const lines = read([
      frame(2, `${T1} ERROR (catatonit:6): `),
      frame(1, `${T1} other\n`),
      frame(2, `${T2} failed to exec pid1: No such file or directory`),
      frame(2, `${T2} \n`),
    ]);
    expect(lines).toEqual([
      { stream: 'stdout', line: 'other', timestamp: Date.parse(T1) },
      {
        stream: 'stderr',
        line: 'ERROR (catatonit:6): failed to exec pid1: No such file or directory',
        timestamp: Date.parse(T1),
      },
    ]);
  });

  it('keeps empty lines, several lines in one record, and a multi-byte character split across records', () => {
    const euro = Buffer.from('€', 'utf8');
    const lines = read([
      frame(1, `${T1} \n`),
      frame(1, `${T1} x\ny\n`),
      frame(1, Buffer.concat([Buffer.from(`${T1} price `), euro.subarray(0, 1)])),
      frame(1, Buffer.concat([Buffer.from(`${T2} `), euro.subarray(1), Buffer.from('5\n')])),
    ]);
    expect(lines.map((l) => l.line)).toEqual(['', 'x', 'y', 'price €5']);
  });

  it('reads a record without a timestamp with the current time', () => {
    expect(read([frame(1, 'plain\n')])).toEqual([{ stream: 'stdout', line: 'plain', timestamp: 42 }]);
  });

  it('reads a TTY stream (no frame headers) as stdout lines with their own timestamps', () => {
    expect(read([Buffer.from(`${T1} one\n${T2} two\n${T2} thr`), Buffer.from('ee')])).toEqual([
      { stream: 'stdout', line: 'one', timestamp: Date.parse(T1) },
      { stream: 'stdout', line: 'two', timestamp: Date.parse(T2) },
      { stream: 'stdout', line: 'three', timestamp: Date.parse(T2) },
    ]);
  });

  test.prop([
    fc.array(fc.tuple(fc.constantFrom<1 | 2>(1, 2), fc.string({ unit: 'grapheme', maxLength: 20 })), {
      maxLength: 20,
    }),
    fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
  ])('gives the same lines however the byte stream is chunked', (records, cuts) => {
    const stream = Buffer.concat(records.map(([s, text]) => frame(s, `${T1} ${text.replace(/\n/g, '')}\n`)));
    const whole = read([stream]);
    const chunks: Buffer[] = [];
    for (let at = 0, i = 0; at < stream.length; i++) {
      const size = cuts[i % cuts.length]!;
      chunks.push(stream.subarray(at, at + size));
      at += size;
    }
    expect(read(chunks)).toEqual(whole);
    expect(whole.map((l) => l.line)).toEqual(records.map(([, text]) => text.replace(/\n/g, '')));
  });
});

describe('log stream reader line cap', () => {
  const capped = (chunks: Buffer[], maxLineBytes: number) => {
    const lines: ContainerLogLine[] = [];
    const reader = createLogLineReader(
      (l) => lines.push(l),
      () => 42,
      { maxLineBytes },
    );
    for (const chunk of chunks) reader.push(chunk);
    reader.end();
    return lines;
  };

  it('keeps the first maxLineBytes of a long line, across records, and counts the rest', () => {
    const lines = capped(
      [frame(1, `${T1} ${'a'.repeat(6)}`), frame(1, `${T1} ${'b'.repeat(6)}\n`), frame(1, `${T1} next\n`)],
      8,
    );
    expect(lines.map((l) => [l.line, l.droppedBytes])).toEqual([
      ['aaaaaabb', 4],
      ['next', undefined],
    ]);
  });

  it('cuts at a character boundary, never inside a UTF-8 sequence', () => {
    const [line] = capped([frame(1, `${T1} aé€\n`)], 4); // a(1) é(2) €(3): 4 bytes end inside €
    expect(line).toMatchObject({ line: 'aé', droppedBytes: 3 });
  });

  it('keeps a single line without a trailing newline byte-exact', () => {
    expect(capped([frame(1, `${T1} result=42`)], 1024).map((l) => l.line)).toEqual(['result=42']);
  });
});
