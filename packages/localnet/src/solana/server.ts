/**
 * HTTP JSON-RPC and WebSocket pubsub servers of the localnet. The WebSocket is served on the RPC port (upgrade)
 * and on RPC port + 1, where @solana/web3.js v1 looks for it by default. Bodies and frames are bounded
 * (`maxBodyBytes`); whatever a client sends gets a JSON-RPC answer and never takes the server down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NosanaError } from '@nosana/core';
import { WebSocketServer } from 'ws';
import { listenFailed } from '../listen-error.js';
import type { Bank } from './bank.js';
import { answerBody, errorResponse, parseBody, type RpcResponse } from './json-rpc.js';
import { RpcError } from './rpc-error.js';
import { createSubscriptionHub } from './subscriptions.js';
import '../errors.js';

type Handler = (method: string, params?: unknown) => unknown;

/** Default largest JSON-RPC body (HTTP) or frame (WebSocket): 1 MiB. */
export const DEFAULT_MAX_RPC_BODY_BYTES = 1024 * 1024;

/** Parameters of {@link startRpcServer}. */
export interface StartRpcServerParameters {
  bank: Bank;
  handle: Handler;
  /** 0 picks free ports. Default 8899 (and 8900 for the second WebSocket port). */
  port?: number;
  host?: string;
  /**
   * Largest request body (HTTP, answered 413) and WebSocket frame (closed with 1009) in bytes. Default 1 MiB
   * ({@link DEFAULT_MAX_RPC_BODY_BYTES}); Solana validators accept 50 KiB.
   */
  maxBodyBytes?: number;
  /** Called with each JSON-RPC call received (before it runs), for counting: HTTP methods and WebSocket ones. */
  onCall?: RpcCallListener;
}

/** Sees each JSON-RPC call a localnet receives: its method and whether it came over HTTP or a WebSocket. */
export type RpcCallListener = (method: string, transport: 'http' | 'ws') => void;

/** A running RPC server. */
export interface RpcServer {
  rpcUrl: string;
  /** The WebSocket URL on RPC port + 1 (web3.js's default). */
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

const sendJson = (response: ServerResponse, status: number, body: RpcResponse | RpcResponse[]) => {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    text = JSON.stringify(errorResponse(null, error));
  }
  response.writeHead(status, { 'content-type': 'application/json' }).end(text);
};

/** Serves one HTTP request: `GET /health`, or a JSON-RPC body of at most `maxBodyBytes`. */
function serveHttp(handle: Handler, maxBodyBytes: number, onCall?: RpcCallListener) {
  const tooLarge = (response: ServerResponse) => {
    response.setHeader('connection', 'close');
    sendJson(
      response,
      413,
      errorResponse(
        null,
        new RpcError(
          -32600,
          `Invalid request: the body is larger than ${maxBodyBytes} bytes — send smaller batches, or start the localnet with a larger maxRpcBodyBytes`,
        ),
      ),
    );
  };
  return (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (Number(request.headers['content-length'] ?? 0) > maxBodyBytes) return tooLarge(response);
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    request.on('data', (chunk: Buffer) => {
      if (rejected) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        rejected = true;
        chunks.length = 0;
        tooLarge(response);
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => response.destroy());
    request.on('end', () => {
      if (rejected) return;
      const parsed = parseBody(Buffer.concat(chunks).toString('utf8'));
      if (!parsed.ok) return sendJson(response, 200, parsed.response);
      sendJson(
        response,
        200,
        answerBody(parsed.body, (call) => {
          onCall?.(call.method, 'http');
          return handle(call.method, call.params);
        }),
      );
    });
  };
}

/**
 * Serves a localnet's RPC over HTTP and its subscriptions over WebSocket.
 *
 * @example
 * ```ts
 * const server = await startRpcServer({ bank, handle, port: 0 });
 * const connection = new Connection(server.rpcUrl, { wsEndpoint: server.wsUrl });
 * ```
 */
export async function startRpcServer({
  bank,
  handle,
  port = 8899,
  host = '127.0.0.1',
  maxBodyBytes = DEFAULT_MAX_RPC_BODY_BYTES,
  onCall,
}: StartRpcServerParameters): Promise<RpcServer> {
  const hub = createSubscriptionHub(bank, handle, onCall);
  const onRequest = serveHttp(handle, maxBodyBytes, onCall);
  const servers: Server[] = [];
  const sockets: WebSocketServer[] = [];
  const listen = (server: Server, at: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, host, () => resolve((server.address() as AddressInfo).port));
    });
  const attach = (server: Server) => {
    const wss = new WebSocketServer({ server, maxPayload: maxBodyBytes });
    wss.on('connection', (socket) => {
      socket.on('message', (raw) => hub.onMessage(socket, raw.toString()));
      socket.on('error', () => socket.terminate());
      socket.on('close', () => hub.onClose(socket));
    });
    sockets.push(wss);
  };
  const portInUse = (taken: number, cause: unknown) =>
    (cause as NodeJS.ErrnoException).code !== 'EADDRINUSE'
      ? listenFailed(host, taken, cause)
      : new NosanaError(
          'LOCALNET__PORT_IN_USE',
          `port ${taken} on ${host} is in use (the RPC needs port ${port} and the WebSocket ${port + 1}) — stop what uses it or choose other ports (rpcPort / --rpc-port; 0 picks free ones)`,
          { port: taken },
          { cause },
        );

  // Find a pair of ports (p, p + 1) that are both free.
  let rpcPort = 0;
  let wsPort = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 20 && servers.length === 0; attempt++) {
    const rpc = createServer(onRequest);
    rpc.keepAliveTimeout = 65_000;
    const ws = createServer((_, response) => response.writeHead(426).end());
    try {
      rpcPort = await listen(rpc, port);
    } catch (error) {
      if (port !== 0) throw portInUse(port, error);
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw listenFailed(host, 0, error);
      lastError = error;
      continue;
    }
    try {
      wsPort = await listen(ws, rpcPort + 1);
    } catch (error) {
      await new Promise((resolve) => rpc.close(resolve));
      if (port !== 0) throw portInUse(rpcPort + 1, error);
      lastError = error;
      continue;
    }
    servers.push(rpc, ws);
    attach(rpc);
    attach(ws);
  }
  if (servers.length === 0) {
    hub.close();
    throw new NosanaError(
      'LOCALNET__PORT_IN_USE',
      `no two consecutive free ports on ${host} after 20 tries — free some ports or pass an explicit rpcPort`,
      { port: 0 },
      { cause: lastError },
    );
  }

  return {
    rpcUrl: `http://${host}:${rpcPort}`,
    wsUrl: `ws://${host}:${wsPort}`,
    port: rpcPort,
    async close() {
      hub.close();
      for (const wss of sockets) for (const client of wss.clients) client.terminate();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
