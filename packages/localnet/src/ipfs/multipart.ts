/** Streaming multipart/form-data bodies (Kubo's `add`, Pinata's `pinFileToIPFS`) as import candidates. */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy, type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import { NosanaError } from '@nosana/core';
import type { ImportCandidate } from 'ipfs-unixfs-importer';
import '../errors.js';

/**
 * The parts of a multipart `add` request as import candidates, consumed in order as they arrive. The body is
 * counted as it streams in; a body over `maxBytes`, without a boundary, truncated or aborted fails the parts being
 * read and the iteration with a {@link NosanaError} (`LOCALNET__IPFS_BODY_TOO_LARGE` / `LOCALNET__IPFS_BAD_REQUEST`).
 * Text fields are passed to `onField` (Pinata's `pinataOptions`, `pinataMetadata`).
 *
 * @example
 * ```ts
 * for await (const part of multipart(request, 1024 ** 3)) console.log(part.path);
 * ```
 */
export async function* multipart(
  request: IncomingMessage,
  maxBytes: number,
  onField?: (name: string, value: string) => void,
): AsyncGenerator<ImportCandidate> {
  let parser: BusboyInstance;
  try {
    // This parser finds part boundaries with Buffer#indexOf (native), not a search written in JavaScript.
    parser = new Busboy({ headers: request.headers as BusboyHeaders, preservePath: true });
  } catch (cause) {
    throw new NosanaError(
      'LOCALNET__IPFS_BAD_REQUEST',
      `the body must be multipart/form-data with a boundary: ${(cause as Error).message}`,
      { argument: 'body' },
      { cause },
    );
  }
  const queue: Array<ImportCandidate> = [];
  const open = new Set<Readable>();
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: NosanaError | undefined;
  const fail = (error: NosanaError) => {
    if (failure || ended) return;
    failure = error;
    for (const stream of open) stream.destroy(error);
    request.unpipe();
    request.resume();
    wake?.();
  };
  const badBody = (cause: unknown) =>
    new NosanaError(
      'LOCALNET__IPFS_BAD_REQUEST',
      `the multipart body is malformed or incomplete: ${(cause as Error)?.message ?? cause}`,
      { argument: 'body' },
      { cause },
    );
  // busboy fails a truncated part with its own error before the parser's: report it as a bad request either way.
  async function* guarded(stream: Readable): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (error) {
      const reason = error instanceof NosanaError ? error : badBody(error);
      fail(reason);
      throw failure ?? reason;
    }
  }
  parser.on('file', (_field, stream, filename, _encoding, mimeType) => {
    let path: string;
    try {
      path = decodeURIComponent(filename ?? '');
    } catch (cause) {
      stream.resume();
      return fail(badBody(cause));
    }
    if (mimeType === 'application/x-directory') {
      stream.resume();
      queue.push({ path });
    } else {
      open.add(stream);
      stream.once('close', () => open.delete(stream));
      queue.push({ path, content: guarded(stream) });
    }
    wake?.();
  });
  if (onField) parser.on('field', (name, value) => onField(name, value));
  parser.on('finish', () => {
    if (failure) return;
    ended = true;
    wake?.();
  });
  parser.on('error', (error: Error) => fail(badBody(error)));
  let received = 0;
  request.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes)
      fail(
        new NosanaError(
          'LOCALNET__IPFS_BODY_TOO_LARGE',
          `the request body is larger than ${maxBytes} bytes — add smaller files, or start the localnet with a larger maxIpfsBodyBytes`,
          { limit: maxBytes },
        ),
      );
  });
  request.on('close', () => {
    if (!request.complete) fail(badBody(new Error('the client closed the request before its end')));
  });
  request.pipe(parser);
  while (true) {
    if (failure) throw failure;
    const next = queue.shift();
    if (next) {
      yield next;
      continue;
    }
    if (ended) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}
