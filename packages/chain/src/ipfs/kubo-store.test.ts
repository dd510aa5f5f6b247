import type { IncomingMessage, ServerResponse } from 'node:http';
import { isNosanaError } from '@nosana/core';
import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { loopbackServers } from '../../test/loopback.js';
import { computeCid } from './cid.js';
import { kuboAdd } from './kubo-add.js';
import { createKuboStore } from './kubo-store.js';

/** What a Kubo double received: the query, the headers, the one file part. */
interface Received {
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  file: Buffer;
  filename: string;
}

const { serve } = loopbackServers();

const readFile = (request: IncomingMessage) =>
  new Promise<{ file: Buffer; filename: string }>((resolve, reject) => {
    const parser = busboy({ headers: request.headers });
    parser.on('file', (_, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve({ file: Buffer.concat(chunks), filename: info.filename ?? '' }));
    });
    parser.on('error', reject);
    request.pipe(parser);
  });

/** A local double of Kubo's `add` (no Kubo here): records the request, then answers as `answer` says. */
async function startKubo(answer: (received: Received, response: ServerResponse) => void | Promise<void>) {
  const received: Received[] = [];
  const server = await serve(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const { file, filename } = await readFile(request);
    const entry = { query: url.searchParams, headers: request.headers, file, filename };
    received.push(entry);
    await answer(entry, response);
  });
  return { ...server, received };
}

/** One byte added through `url`, and whatever it throws. */
const tryAdd = (url: string, timeoutMs = 5_000, signal?: AbortSignal) =>
  kuboAdd({ url, bytes: Uint8Array.of(1), query: {}, timeoutMs, ...(signal ? { signal } : {}) }).catch(
    (e: unknown) => e,
  );

const kuboAnswers = async ({ file }: Received, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    `${JSON.stringify({ Name: 'file', Hash: await computeCid(file), Size: String(file.length) })}\n`,
  );
};

describe('createKuboStore uploads', () => {
  it('sends the bytes as one multipart file with Kubo’s CIDv0 settings and the proxy’s headers', async () => {
    const kubo = await startKubo(kuboAnswers);
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => i % 253);
    const store = createKuboStore({ url: kubo.url, headers: { authorization: 'Bearer proxy' } });
    expect(await store.putBytes(bytes)).toBe(await computeCid(bytes));
    const [received] = kubo.received;
    expect(Buffer.compare(received!.file, Buffer.from(bytes))).toBe(0);
    expect(Object.fromEntries(received!.query)).toEqual({
      'cid-version': '0',
      'raw-leaves': 'false',
      chunker: 'size-262144',
      pin: 'true',
    });
    expect(received!.headers.authorization).toBe('Bearer proxy');
    expect(received!.headers['content-length']).toBeDefined();
  });

  it('refuses an answer whose CID is not the content’s (CHAIN__IPFS_CID_MISMATCH)', async () => {
    const kubo = await startKubo((_, response) => {
      response.end('{"Name":"file","Hash":"QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH","Size":"6"}\n');
    });
    const error = await createKuboStore({ url: kubo.url })
      .putBytes(new TextEncoder().encode('hello'))
      .catch((e: unknown) => e);
    expect(isNosanaError(error, 'CHAIN__IPFS_CID_MISMATCH')).toBe(true);
  });

  it('reports Kubo’s error message and status for a refused upload (CHAIN__IPFS_UNREACHABLE)', async () => {
    const kubo = await startKubo((_, response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"Message":"blockstore: disk full","Code":0,"Type":"error"}\n');
    });
    const error = await tryAdd(kubo.url);
    expect(isNosanaError(error, 'CHAIN__IPFS_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toContain('refused the upload (500): blockstore: disk full');
    expect((error as { context: { status?: number } }).context.status).toBe(500);
  });

  it('reports a server that is not there, and one that never answers, as coded errors', async () => {
    const kubo = await startKubo(kuboAnswers);
    await kubo.close();
    const gone = await tryAdd(kubo.url);
    expect(isNosanaError(gone, 'CHAIN__IPFS_UNREACHABLE')).toBe(true);
    expect((gone as Error).message).toContain(`127.0.0.1:${kubo.port}`);

    const silent = await startKubo(() => {});
    const timedOut = await tryAdd(silent.url, 200);
    expect(isNosanaError(timedOut, 'CHAIN__IPFS_TIMEOUT')).toBe(true);
  });

  it('stops reading an answer longer than 1 MiB', async () => {
    const kubo = await startKubo((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"Name":"${'x'.repeat(2 * 1024 * 1024)}"}\n`);
    });
    const error = await tryAdd(kubo.url);
    expect(isNosanaError(error, 'CHAIN__IPFS_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toContain('larger than the 1048576 bytes allowed');
  });

  it('stops when its caller aborts', async () => {
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const silent = await startKubo(() => arrived());
    const controller = new AbortController();
    const pending = tryAdd(silent.url, 30_000, controller.signal);
    await received;
    controller.abort();
    const error = await pending;
    expect(isNosanaError(error, 'CHAIN__IPFS_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toMatch(/abort/i);
  });
});
