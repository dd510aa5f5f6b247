/**
 * The gateway's public listener: plain HTTP/1.1, or TLS with HTTP/2 and HTTP/1.1 offered by ALPN (browsers and
 * curl pick h2; WebSockets come as HTTP/1.1 upgrades or as HTTP/2 extended CONNECT; the hosts' tunnels use
 * HTTP/1.1 on the same port).
 */
import { createServer as createHttpServer } from 'node:http';
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Server, Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import { NosanaError } from '@nosana/core';
import './errors.js';

/** The gateway's certificate (PEM). */
export interface UserServerTls {
  cert: string | Buffer;
  key: string | Buffer;
  /** Offer HTTP/2 to users by ALPN (default true); HTTP/1.1 stays available. */
  http2?: boolean;
  /** A certificate per server name (SNI), e.g. the local CA's per-service certificates. */
  SNICallback?: (
    servername: string,
    callback: (error: Error | null, context?: SecureContext) => void,
  ) => void;
}

/** A listener that can also drop every open connection (for `close()`). */
export type UserServer = Server & { destroyAllSockets(): void };

/**
 * Users' HTTP/2 settings: room for many concurrent requests per connection, a large window for downloads, and
 * WebSockets over HTTP/2 (RFC 8441's extended CONNECT).
 */
const USER_H2_SETTINGS = {
  maxConcurrentStreams: 256,
  initialWindowSize: 1024 * 1024,
  enableConnectProtocol: true,
};

/**
 * Creates the public listener (not yet listening). Request and upgrade handlers are attached by the caller.
 *
 * @example
 * ```ts
 * const server = createUserServer({ cert, key });
 * server.on('request', onRequest);
 * ```
 */
export function createUserServer(tls?: UserServerTls): UserServer {
  const options = { headersTimeout: 30_000, requestTimeout: 0, keepAliveTimeout: 65_000 };
  const certificate = tls && {
    cert: tls.cert,
    key: tls.key,
    ...(tls.SNICallback ? { SNICallback: tls.SNICallback } : {}),
  };
  const server: Server = !certificate
    ? createHttpServer(options)
    : tls?.http2 === false
      ? createHttpsServer({ ...options, ...certificate })
      : createSecureServer({
          ...options,
          ...certificate,
          allowHTTP1: true,
          settings: USER_H2_SETTINGS,
        });
  const sockets = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error: Error, socket: Socket) => socket.destroy());
  server.on('sessionError', () => undefined);
  return Object.assign(server, {
    destroyAllSockets() {
      for (const socket of sockets) socket.destroy();
    },
  });
}

/**
 * Listens on `host:port` (0 = any free port) and resolves with the port.
 *
 * @example
 * ```ts
 * const port = await listenOn(server, '127.0.0.1', 0);
 * ```
 */
export function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new NosanaError(
          'GATEWAY__INVALID_PARAMETERS',
          `cannot listen on ${host}:${port} (${error.message}); choose another --listen`,
          { field: 'listen', value: `${host}:${port}` },
          { cause: error },
        ),
      ),
    );
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
