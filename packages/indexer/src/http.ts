/** HTTP plumbing of the API: security headers, JSON answers, path decoding. */
import type { ServerResponse } from 'node:http';
import { ApiError } from './params.js';

/** Headers on every answer: no sniffing, no referrer, and a same-origin content policy for the web app. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
};

/** Answers `body` as JSON (no body for HEAD). */
export function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/**
 * Starts a server-sent-events answer (the change stream, a job's live logs): status 200, the event-stream type,
 * no caching, the connection kept open.
 *
 * @example
 * ```ts
 * openEventStream(res);
 * res.write(`event: log\ndata: ${JSON.stringify(line)}\n\n`);
 * ```
 */
export function openEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
}

/** A URL path decoded, or a 400 when its percent-encoding is invalid or it holds a NUL byte. */
export function decodePath(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new ApiError(400, 'INVALID_PATH', 'the path is not valid percent-encoding');
  }
  if (decoded.includes('\0')) throw new ApiError(400, 'INVALID_PATH', 'the path contains a NUL byte');
  return decoded;
}

/** A 404 for an unknown job, market or node. */
export const notFound = (what: string, value: string): ApiError =>
  new ApiError(
    404,
    'NOT_FOUND',
    `no ${what} ${value} in the index (check the address, or wait for the indexer to catch up)`,
  );

/** A 404 for a path the API does not have. */
export const noRoute = (path: string): ApiError =>
  new ApiError(404, 'NOT_FOUND', `no route ${path.slice(0, 100)}; see /openapi.json`);
