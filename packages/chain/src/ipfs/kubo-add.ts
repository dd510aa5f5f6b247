/**
 * Kubo's `POST /api/v0/add` for bytes in memory, as one multipart request written straight to the socket: its part
 * header, the bytes (not copied), its closing boundary, with a `content-length`. A Kubo client library or `fetch`
 * with a form body cut the bytes into small pieces on the way and reached a third of the rate on the same server.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { NosanaError } from '@nosana/core';
import { readCapped } from './content-store.js';

/** Parameters of {@link kuboAdd}. */
export interface KuboAddParameters {
  /** Kubo RPC API base URL, e.g. `http://127.0.0.1:5001`. */
  url: string;
  bytes: Uint8Array;
  /** Kubo's add options as query arguments, e.g. `{ 'cid-version': '0', pin: 'true' }`. */
  query: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Result of {@link kuboAdd}: the added file's entry, as Kubo answers it. */
export interface KuboAddResult {
  Name: string;
  Hash: string;
  Size: string;
}

/** Longest answer read: Kubo answers an add of one file with one JSON line (progress lines are not asked for). */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Adds `bytes` through Kubo's RPC API and returns Kubo's entry for them. A refused request, an unreachable server, a
 * timeout and an answer without an entry are coded errors (`CHAIN__IPFS_UNREACHABLE`, `CHAIN__IPFS_TIMEOUT`).
 *
 * @example
 * ```ts
 * const { Hash } = await kuboAdd({ url: 'http://127.0.0.1:5001', bytes, query: { pin: 'true' }, timeoutMs: 30_000 });
 * ```
 */
export async function kuboAdd({
  url,
  bytes,
  query,
  headers = {},
  timeoutMs,
  signal,
}: KuboAddParameters): Promise<KuboAddResult> {
  const target = new URL(`${url.replace(/\/+$/, '')}/api/v0/add`);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  const boundary = `nosana-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const timeout = AbortSignal.timeout(timeoutMs);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  let answer: { status: number; text: string };
  try {
    answer = await new Promise((resolve, reject) => {
      const outgoing = send(
        target,
        {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + bytes.length + tail.length),
          },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        },
        (response) => readAnswer(response).then(resolve, reject),
      );
      outgoing.on('error', reject);
      outgoing.write(head);
      outgoing.write(bytes);
      outgoing.end(tail);
    });
  } catch (cause) {
    if (timeout.aborted)
      throw new NosanaError(
        'CHAIN__IPFS_TIMEOUT',
        `IPFS request to ${url} timed out after ${timeoutMs} ms`,
        { url, timeoutMs },
        { cause },
      );
    throw new NosanaError(
      'CHAIN__IPFS_UNREACHABLE',
      `the IPFS node at ${url} failed: ${(cause as Error).message} — is it running and reachable?`,
      { url },
      { cause },
    );
  }
  return entryOf(answer, url);
}

async function readAnswer(response: IncomingMessage): Promise<{ status: number; text: string }> {
  const bytes = await readCapped(response as AsyncIterable<Uint8Array>, 'the answer', MAX_ANSWER_BYTES);
  return { status: response.statusCode ?? 0, text: new TextDecoder().decode(bytes) };
}

/** Kubo's entry in a successful answer (its last JSON line with a `Hash`), or the coded error for any other. */
function entryOf({ status, text }: { status: number; text: string }, url: string): KuboAddResult {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const parsed = lines.map((line) => {
    try {
      return JSON.parse(line) as Partial<KuboAddResult> & { Message?: unknown };
    } catch {
      return {};
    }
  });
  const entry = parsed.findLast((line) => typeof line.Hash === 'string');
  if (status === 200 && entry)
    return { Name: entry.Name ?? '', Hash: entry.Hash!, Size: String(entry.Size ?? '') };
  const message = parsed.find((line) => line.Message !== undefined)?.Message ?? text.slice(0, 300);
  throw new NosanaError(
    'CHAIN__IPFS_UNREACHABLE',
    `the IPFS node at ${url} refused the upload (${status})${message ? `: ${String(message)}` : ''}`,
    { url, status },
  );
}
