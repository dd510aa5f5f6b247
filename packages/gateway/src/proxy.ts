/**
 * Forwarding one public HTTP request (or WebSocket/upgrade) over one byte stream to the service. Bodies are
 * piped both ways, never buffered, so token streaming and large downloads flow as they are produced.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type ClientHttp2Stream, constants, type Http2ServerRequest } from 'node:http2';
import type { Duplex } from 'node:stream';
import { resetStream } from './h2-reset.js';
import { HOP_BY_HOP, REF_HEADER } from './protocol.js';

/** A user's request or response, over HTTP/1.1 (node:http) or HTTP/2 (the node:http2 compatibility API). */
export type UserRequest = IncomingMessage | import('node:http2').Http2ServerRequest;
export type UserResponse = ServerResponse | import('node:http2').Http2ServerResponse;

/** Where the public request came from, for `x-forwarded-*`. */
export interface ForwardedInfo {
  /** Client address. */
  remoteAddress: string;
  /** `http` or `https`. */
  proto: string;
  /** The Host the client used. */
  host: string;
  /** The path to send to the service (the path fallback strips `/s/<id>`). */
  path: string;
  /** The Host the service gets, when not the client's (a node API is always called by its gateway name). */
  authority?: string;
}

/**
 * The headers sent on to the service: hop-by-hop headers (and the ones `Connection` lists) removed unless the
 * request is an upgrade, HTTP/2 pseudo-headers and client-sent `x-forwarded-*` dropped, ours added.
 *
 * @example
 * ```ts
 * forwardHeaders(request.headers, { remoteAddress: '::1', proto: 'http', host: 'x.localhost', path: '/' }, false);
 * ```
 */
export function forwardHeaders(
  headers: IncomingHttpHeaders,
  info: ForwardedInfo,
  keepUpgrade: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const listed = String(headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim());
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!keepUpgrade && (HOP_BY_HOP.has(name) || listed.includes(name))) continue;
    if (name.startsWith('x-forwarded-') || name.startsWith(':') || name === REF_HEADER) continue;
    out[name] = value;
  }
  if (info.authority) out.host = info.authority;
  out['x-forwarded-for'] = info.remoteAddress;
  out['x-forwarded-proto'] = info.proto;
  out['x-forwarded-host'] = info.host;
  return out;
}

/** Opens the tunnel stream of one forwarded request (`TunnelSession.request`). */
export type OpenRequest = (headers: OutgoingHttpHeaders) => ClientHttp2Stream;

/**
 * Forwards a user's request as one HTTP/2 request stream of the host's tunnel and pipes the service's answer to
 * `response`. Bodies stream both ways with HTTP/2 flow control as back-pressure: nothing is buffered.
 *
 * @example
 * ```ts
 * forwardRequest(request, response, (headers) => session.request(ref, headers), info);
 * ```
 */
export function forwardRequest(
  incoming: UserRequest,
  response: UserResponse,
  open: OpenRequest,
  info: ForwardedInfo,
): void {
  const headers: OutgoingHttpHeaders = forwardHeaders(incoming.headers, info, false);
  delete headers.host;
  delete headers.expect; // node:http already answered `100 Continue` to the user
  let upstream: ClientHttp2Stream;
  try {
    upstream = open({
      ...headers,
      ':method': incoming.method ?? 'GET',
      ':path': info.path,
      ':authority': info.authority || info.host || 'localhost',
    });
  } catch {
    sendJson(response, 502, { error: 'bad-gateway', message: 'the tunnel to the host is closed' });
    return;
  }
  upstream.on('response', (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer)) {
      if (value !== undefined && !name.startsWith(':') && !HOP_BY_HOP.has(name))
        out[name] = value as string | string[];
    }
    response.writeHead(Number(answer[':status'] ?? 502), out);
    (response as Partial<ServerResponse>).flushHeaders?.();
    coalesceWrites(upstream, response);
    upstream.pipe(response as NodeJS.WritableStream);
  });
  upstream.on('error', () => {
    if (!response.headersSent)
      sendJson(response, 502, { error: 'bad-gateway', message: 'the host could not reach the service' });
    else response.destroy();
  });
  response.on('close', () => {
    // The user went away before the answer ended: cancel the stream (RST_STREAM), the host drops the exchange.
    if (!response.writableFinished) resetStream(upstream, constants.NGHTTP2_CANCEL);
  });
  incoming.pipe(upstream);
}

/**
 * Forwards an upgrade request (WebSocket, h2c, …): writes the request head to `stream`, then splices the two
 * connections together; the service's `101` and every frame after it pass through untouched.
 *
 * @example
 * ```ts
 * server.on('upgrade', async (req, socket, head) => proxyUpgrade(req, socket, head, await session.open(ref), info));
 * ```
 */
export function proxyUpgrade(
  incoming: UserRequest,
  socket: Duplex,
  head: Buffer,
  stream: Duplex,
  info: ForwardedInfo,
): void {
  const headers = forwardHeaders(incoming.headers, info, true);
  let text = `${incoming.method} ${info.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value])
      text += `${name}: ${v.replace(/[\r\n]/g, '')}\r\n`;
  }
  stream.write(`${text}\r\n`);
  if (head.length) stream.write(head);
  stream.pipe(socket);
  socket.pipe(stream);
  const end = () => {
    socket.destroy();
    resetStream(stream);
  };
  stream.on('error', end);
  socket.on('error', end);
  stream.on('close', end);
  socket.on('close', end);
}

/**
 * Carries a WebSocket opened over HTTP/2 (RFC 8441: `CONNECT` with `:protocol: websocket`) to a service that speaks
 * HTTP/1.1: sends the service an HTTP/1.1 upgrade (with a fresh `Sec-WebSocket-Key`, which RFC 8441 clients do not
 * send), and once it answers `101`, answers the HTTP/2 stream `200` and splices the two; the frames pass untouched.
 * Any other answer of the service is passed on as the stream's status (its body dropped).
 *
 * @example
 * ```ts
 * if (isExtendedConnect(request)) proxyExtendedConnect(request, await session.open(ref), info);
 * ```
 */
export function proxyExtendedConnect(
  incoming: Http2ServerRequest,
  stream: Duplex,
  info: ForwardedInfo,
): void {
  const h2 = incoming.stream;
  const headers = forwardHeaders(incoming.headers, info, true);
  headers.host = info.authority ?? info.host;
  headers.connection = 'Upgrade';
  headers.upgrade = 'websocket';
  headers['sec-websocket-key'] = randomBytes(16).toString('base64');
  let text = `GET ${info.path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value])
      text += `${name}: ${v.replace(/[\r\n]/g, '')}\r\n`;
  }
  stream.write(`${text}\r\n`);
  const end = () => {
    resetStream(h2, constants.NGHTTP2_CANCEL);
    resetStream(stream);
  };
  let head = Buffer.alloc(0);
  const onHead = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const split = head.indexOf('\r\n\r\n');
    if (split < 0) {
      if (head.length > 16 * 1024) end();
      return;
    }
    stream.off('data', onHead);
    const lines = head.subarray(0, split).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 502);
    const answer: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'sec-websocket-protocol' || name === 'sec-websocket-extensions')
        answer[name] = line.slice(colon + 1).trim();
    }
    if (status !== 101) {
      if (!h2.headersSent) h2.respond({ ':status': status }, { endStream: true });
      resetStream(stream);
      return;
    }
    h2.respond({ ':status': 200, ...answer });
    const rest = head.subarray(split + 4);
    if (rest.length) h2.write(rest);
    stream.pipe(h2);
    h2.pipe(stream);
  };
  stream.on('data', onHead);
  stream.on('error', end);
  h2.on('error', end);
  stream.on('close', end);
  h2.on('close', end);
}

/** True for an HTTP/2 request opening a WebSocket (RFC 8441 extended CONNECT). */
export function isExtendedConnect(request: UserRequest): request is Http2ServerRequest {
  return request.method === 'CONNECT' && request.headers[':protocol'] === 'websocket';
}

/**
 * Answers with a JSON body.
 *
 * @example
 * ```ts
 * sendJson(response, 404, { error: 'unknown-service' });
 * ```
 */
export function sendJson(
  response: UserResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * Answers a raw upgrade socket with a JSON error and closes it.
 *
 * @example
 * ```ts
 * rejectUpgrade(socket, 404, { error: 'unknown-service' });
 * ```
 */
export function rejectUpgrade(socket: Duplex, status: number, body: unknown, reason = 'Error'): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}

/**
 * The tunnel delivers a download as HTTP/2 DATA frames of at most 16 KB, several per socket read. Writing each to
 * the user's socket is one system call per frame; corking the response at the first frame of an event-loop turn and
 * uncorking it after the turn's I/O sends them in one `writev`. Nothing waits longer than the current turn, so
 * token streams are not delayed.
 */
function coalesceWrites(source: NodeJS.ReadableStream, response: UserResponse): void {
  const target = response as Partial<Pick<ServerResponse, 'cork' | 'uncork'>>;
  if (typeof target.cork !== 'function' || typeof target.uncork !== 'function') return;
  let corked = false;
  source.on('data', () => {
    if (corked) return;
    corked = true;
    target.cork?.();
    setImmediate(() => {
      corked = false;
      target.uncork?.();
    });
  });
}
