/**
 * The host's side of the tunnel's streams: what the host does with each HTTP/2 stream the gateway opens.
 *
 * - `CONNECT <ref>:80`: a raw byte stream to the registration's target (WebSockets, other upgrades, probes).
 * - any other method with the `x-nosana-ref` header: one user HTTP request, forwarded to the target over a
 *   keep-alive connection pool (`http.Agent`), its answer streamed back as the stream's response. No new TCP
 *   connection and no extra round trip per request.
 */
import { Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';
import { constants, type IncomingHttpHeaders as Http2Headers, type ServerHttp2Stream } from 'node:http2';
import { connect } from 'node:net';
import { resetStream } from './h2-reset.js';
import { HOP_BY_HOP, REF_HEADER } from './protocol.js';

/** Where a registration's traffic goes. */
export interface StreamTarget {
  host: string;
  port: number;
}

/** Parameters of {@link createHostStreamHandler}. */
export interface CreateHostStreamHandlerParameters {
  /** The target of a registration ref, or undefined when the host did not register it. */
  targetOf(ref: string): StreamTarget | undefined;
  /** The pool of connections to targets (default: a keep-alive agent owned by the handler). */
  agent?: Agent;
}

/** Handles the gateway's streams on the host; `close()` ends the pooled connections. */
export interface HostStreamHandler {
  handle(stream: ServerHttp2Stream, headers: Http2Headers): void;
  close(): void;
}

/**
 * A keep-alive pool to targets: sockets are reused across requests (most recently used first, so idle ones time
 * out), up to 256 per target, Nagle off.
 *
 * @example
 * ```ts
 * const agent = targetAgent();
 * ```
 */
export const targetAgent = () =>
  new Agent({
    keepAlive: true,
    maxSockets: 256,
    maxFreeSockets: 64,
    scheduling: 'lifo',
    timeout: 60_000,
    noDelay: true,
  });

/**
 * The headers an HTTP/1.1 service gets for a forwarded HTTP/2 request: pseudo-headers and the tunnel's own
 * header removed, `:authority` back as `host`.
 *
 * @example
 * ```ts
 * requestHeadersForTarget({ ':method': 'GET', ':authority': 'x.localhost', 'x-nosana-ref': 'web' }); // { host: 'x.localhost' }
 * ```
 */
export function requestHeadersForTarget(headers: Http2Headers): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':') || name === REF_HEADER || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  const authority = headers[':authority'];
  if (authority && out.host === undefined) out.host = authority;
  return out;
}

/**
 * The HTTP/2 response headers for a service's HTTP/1.1 answer: connection-specific headers removed (HTTP/2
 * forbids them).
 *
 * @example
 * ```ts
 * responseHeadersFromTarget(200, { 'content-type': 'text/plain', connection: 'keep-alive' }); // { ':status': 200, 'content-type': 'text/plain' }
 * ```
 */
export function responseHeadersFromTarget(status: number, headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ':status': status };
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** The registration a stream addresses: the `x-nosana-ref` header, or a CONNECT stream's authority. */
export const refOf = (headers: Http2Headers): string =>
  headers[':method'] === 'CONNECT'
    ? String(headers[':authority'] ?? '').replace(/:\d+$/, '')
    : String(headers[REF_HEADER] ?? '');

/**
 * Creates the handler of the gateway's streams for one tunnel client.
 *
 * @example
 * ```ts
 * const streams = createHostStreamHandler({ targetOf: (ref) => targets.get(ref) });
 * h2.on('stream', (stream, headers) => streams.handle(stream, headers));
 * ```
 */
export function createHostStreamHandler({
  targetOf,
  agent = targetAgent(),
}: CreateHostStreamHandlerParameters): HostStreamHandler {
  return {
    handle(stream, headers) {
      stream.on('error', () => resetStream(stream));
      const target = targetOf(refOf(headers));
      if (!target) return stream.respond({ ':status': 404 }, { endStream: true });
      if (headers[':method'] === 'CONNECT') return connectStream(stream, target);
      forwardStream(stream, headers, target, agent);
    },
    close: () => agent.destroy(),
  };
}

function connectStream(stream: ServerHttp2Stream, { host, port }: StreamTarget) {
  const target = connect({ host, port, noDelay: true });
  target.once('connect', () => {
    stream.respond({ ':status': 200 });
    stream.pipe(target);
    target.pipe(stream);
  });
  target.on('error', () => {
    if (!stream.headersSent) stream.respond({ ':status': 502 }, { endStream: true });
    resetStream(stream);
  });
  target.on('close', () => {
    if (!stream.writableEnded) resetStream(stream);
  });
  stream.on('close', () => target.destroy());
}

function forwardStream(
  stream: ServerHttp2Stream,
  headers: Http2Headers,
  { host, port }: StreamTarget,
  agent: Agent,
) {
  const upstream = request({
    host,
    port,
    agent,
    method: String(headers[':method']),
    path: String(headers[':path'] ?? '/'),
    headers: requestHeadersForTarget(headers),
  });
  upstream.on('response', (answer) => {
    if (stream.destroyed) return answer.destroy();
    stream.respond(responseHeadersFromTarget(answer.statusCode ?? 502, answer.headers));
    answer.pipe(stream);
    answer.on('error', () => resetStream(stream, constants.NGHTTP2_INTERNAL_ERROR));
  });
  upstream.on('error', () => {
    if (stream.destroyed) return;
    if (!stream.headersSent) stream.respond({ ':status': 502 }, { endStream: true });
    else resetStream(stream, constants.NGHTTP2_INTERNAL_ERROR);
  });
  // The gateway gave up (the user went away): drop the exchange, the socket is not reused.
  stream.on('close', () => {
    if (!upstream.writableFinished || !stream.writableFinished) upstream.destroy();
  });
  stream.pipe(upstream);
}
