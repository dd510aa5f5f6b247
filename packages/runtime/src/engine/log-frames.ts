/**
 * Turns an engine's log stream (`GET /containers/{id}/logs?timestamps=1`) into lines.
 *
 * With `Tty: false` the stream is multiplexed: frames of an 8-byte header (stream type, 3 zero bytes, payload
 * size) and a payload. Each frame is one log record, and with timestamps it starts with `<RFC3339> `. A record
 * need not be a whole line: when a program writes a line in pieces, Docker and Podman may each store and send
 * the pieces as separate records, every one with its own timestamp (Podman's conmon does this for catatonit's
 * messages). So timestamps are stripped per frame and lines are assembled from the payloads, per stream, as
 * bytes (a piece may end inside a UTF-8 character). A line gets the timestamp of its first piece.
 *
 * A stream that does not start with a frame header (a TTY container) is read as stdout lines that each begin
 * with a timestamp.
 *
 * A line longer than `maxLineBytes` keeps its first bytes (cut at a character boundary) and counts the rest in
 * `droppedBytes`, so a job printing gigabytes without a newline never makes the reader hold them.
 */
import type { ContainerLogLine } from './types.js';

/** Feeds raw log-stream chunks in; lines come out through `onLine`. */
export interface LogLineReader {
  push(chunk: Buffer): void;
  /** The stream ended: emits any unterminated last line of each stream. */
  end(): void;
}

const NEWLINE = 0x0a;
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

/**
 * A reader for one log stream.
 *
 * @example
 * ```ts
 * const reader = createLogLineReader((line) => lines.push(line));
 * raw.on('data', (chunk) => reader.push(chunk));
 * raw.on('end', () => reader.end());
 * ```
 */
export function createLogLineReader(
  onLine: (line: ContainerLogLine) => void,
  now: () => number = Date.now,
  { maxLineBytes = Number.POSITIVE_INFINITY }: { maxLineBytes?: number } = {},
): LogLineReader {
  let pending: Buffer = Buffer.alloc(0);
  let mode: 'unknown' | 'frames' | 'raw' = 'unknown';
  const partial = {
    stdout: { pieces: [] as Buffer[], stamp: 0, size: 0, dropped: 0 },
    stderr: { pieces: [] as Buffer[], stamp: 0, size: 0, dropped: 0 },
  };
  /** Keeps what fits of a piece of a line; counts the rest. */
  const keep = (line: (typeof partial)['stdout'], piece: Buffer) => {
    const room = maxLineBytes - line.size;
    if (piece.length <= room) {
      line.pieces.push(piece);
      line.size += piece.length;
      return;
    }
    let cut = Math.max(0, room);
    // Back off to a character boundary (a UTF-8 continuation byte is 10xxxxxx).
    while (cut > 0 && cut < piece.length && (piece[cut]! & 0xc0) === 0x80) cut--;
    if (cut > 0) line.pieces.push(piece.subarray(0, cut));
    line.size = maxLineBytes;
    line.dropped += piece.length - cut;
  };

  /** Splits a leading `<timestamp> ` off a record. */
  const stamped = (record: Buffer): { stamp: number | undefined; body: Buffer } => {
    const space = record.indexOf(0x20);
    if (space > 0 && space <= 40) {
      const text = record.subarray(0, space).toString('latin1');
      if (STAMP.test(text)) return { stamp: Date.parse(text), body: record.subarray(space + 1) };
    }
    return { stamp: undefined, body: record };
  };

  const emit = (stream: 'stdout' | 'stderr') => {
    const line = partial[stream];
    onLine({
      stream,
      // Most lines arrive in one piece: decoded where they lie, without a copy.
      line: (line.pieces.length === 1 ? line.pieces[0]! : Buffer.concat(line.pieces)).toString('utf8'),
      timestamp: line.stamp,
      ...(line.dropped > 0 ? { droppedBytes: line.dropped } : {}),
    });
    line.pieces = [];
    line.size = 0;
    line.dropped = 0;
  };
  const started = (line: (typeof partial)['stdout']) => line.pieces.length > 0 || line.dropped > 0;

  /** One record of a stream: its timestamp, then text that may finish a line, hold whole ones, or start one. */
  const record = (stream: 'stdout' | 'stderr', data: Buffer) => {
    const { stamp, body } = stamped(data);
    const line = partial[stream];
    let rest = body;
    while (rest.length > 0) {
      if (!started(line)) line.stamp = stamp ?? now();
      const newline = rest.indexOf(NEWLINE);
      if (newline < 0) {
        keep(line, rest);
        return;
      }
      keep(line, rest.subarray(0, newline));
      emit(stream);
      rest = rest.subarray(newline + 1);
    }
  };

  const drain = () => {
    if (mode === 'unknown') {
      if (pending.length < 8) return;
      const header = pending[0]! <= 2 && pending[1] === 0 && pending[2] === 0 && pending[3] === 0;
      mode = header ? 'frames' : 'raw';
    }
    if (mode === 'frames') {
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) return;
        record(pending[0] === 2 ? 'stderr' : 'stdout', pending.subarray(8, 8 + size));
        pending = pending.subarray(8 + size);
      }
      return;
    }
    // TTY: one stream, a timestamp at the start of every line.
    let newline = pending.indexOf(NEWLINE);
    while (newline >= 0) {
      record('stdout', pending.subarray(0, newline + 1));
      pending = pending.subarray(newline + 1);
      newline = pending.indexOf(NEWLINE);
    }
  };

  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      drain();
    },
    end() {
      if (mode === 'unknown' && pending.length > 0) mode = 'raw';
      drain();
      if (mode === 'raw' && pending.length > 0) record('stdout', pending);
      pending = Buffer.alloc(0);
      for (const stream of ['stdout', 'stderr'] as const) if (started(partial[stream])) emit(stream);
    },
  };
}
