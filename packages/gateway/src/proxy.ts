/**
 * Forwarding one public HTTP request (or WebSocket/upgrade) over one byte stream to the service. Bodies are
 * piped both ways, never buffered, so token streaming and large downloads flow as they are produced.
 */
import { type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

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
}

function forwardHeaders(headers: IncomingHttpHeaders, info: ForwardedInfo, keepUpgrade: boolean) {
  const out: Record<string, string | string[]> = {};
  const listed = String(headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim());
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!keepUpgrade && (HOP_BY_HOP.has(name) || listed.includes(name))) continue;
    if (name.startsWith('x-forwarded-')) continue;
    out[name] = value;
  }
  out['x-forwarded-for'] = info.remoteAddress;
  out['x-forwarded-proto'] = info.proto;
  out['x-forwarded-host'] = info.host;
  return out;
}

/**
 * Sends `incoming` over `stream` as HTTP/1.1 and pipes the service's answer to `response`.
 *
 * @example
 * ```ts
 * proxyRequest(request, response, await session.open(ref), { remoteAddress, proto: 'https', host, path: request.url! });
 * ```
 */
export function proxyRequest(
  incoming: IncomingMessage,
  response: ServerResponse,
  stream: Duplex,
  info: ForwardedInfo,
): void {
  const upstream = request({
    createConnection: () => stream as never,
    method: incoming.method,
    path: info.path,
    headers: forwardHeaders(incoming.headers, info, false),
  });
  upstream.on('response', (answer) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
    response.flushHeaders();
    answer.pipe(response);
    answer.on('error', () => response.destroy());
  });
  upstream.on('error', () => {
    if (!response.headersSent)
      sendJson(response, 502, { error: 'bad-gateway', message: 'the service closed the connection' });
    else response.destroy();
  });
  response.on('close', () => {
    // A finished exchange half-closes the stream (END_STREAM); only an aborted one is reset (RST_STREAM), since
    // HTTP/2 peers treat bursts of resets as an attack.
    if (response.writableFinished) stream.end();
    else {
      upstream.destroy();
      stream.destroy();
    }
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
  incoming: IncomingMessage,
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
    stream.destroy();
  };
  stream.on('error', end);
  socket.on('error', end);
  stream.on('close', end);
  socket.on('close', end);
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
  response: ServerResponse,
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
