/**
 * HTTP JSON-RPC and WebSocket pubsub servers of the localnet. The WebSocket is served on the RPC port (upgrade)
 * and on RPC port + 1, where @solana/web3.js v1 looks for it by default.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Bank, CommitEvent } from './bank.js';
import { compileFilters, type DataFilter } from './filters.js';
import { RpcError } from './rpc-error.js';

type Handler = (method: string, params?: unknown[]) => unknown;

interface Subscription {
  socket: WebSocket;
  kind: 'signature' | 'account' | 'program' | 'logs' | 'slot' | 'root';
  key?: string;
  encoding?: string;
  /** Program subscriptions: the compiled `filters`. */
  matches?: DataFilter;
  mentions?: string;
}

/** Parameters of {@link startRpcServer}. */
export interface StartRpcServerParameters {
  bank: Bank;
  handle: Handler;
  /** 0 picks free ports. Default 8899 (and 8900 for the second WebSocket port). */
  port?: number;
  host?: string;
}

/** A running RPC server. */
export interface RpcServer {
  rpcUrl: string;
  /** The WebSocket URL on RPC port + 1 (web3.js's default). */
  wsUrl: string;
  port: number;
  close(): Promise<void>;
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
}: StartRpcServerParameters): Promise<RpcServer> {
  const subscriptions = new Map<number, Subscription>();
  let nextId = 1;
  const send = (subscription: Subscription, id: number, method: string, result: unknown) => {
    if (subscription.socket.readyState === subscription.socket.OPEN) {
      subscription.socket.send(
        JSON.stringify({ jsonrpc: '2.0', method, params: { result, subscription: id } }),
      );
    }
  };
  const accountValue = (address: string, encoding?: string) =>
    (handle('getAccountInfo', [address, { encoding: encoding ?? 'base64' }]) as { value: unknown }).value;

  const offCommit = bank.onCommit((event: CommitEvent) => {
    const context = { slot: event.slot };
    for (const [id, sub] of subscriptions) {
      if (sub.kind === 'signature' && sub.key === event.signature) {
        send(sub, id, 'signatureNotification', { context, value: { err: event.err } });
        subscriptions.delete(id);
      } else if (sub.kind === 'account' && event.writable.includes(sub.key!)) {
        send(sub, id, 'accountNotification', { context, value: accountValue(sub.key!, sub.encoding) });
      } else if (sub.kind === 'program') {
        for (const address of event.writable) {
          const account = bank.getAccount(address);
          if (!account || account.owner !== sub.key || (sub.matches && !sub.matches(account.data))) continue;
          send(sub, id, 'programNotification', {
            context,
            value: { pubkey: address, account: accountValue(address, sub.encoding) },
          });
        }
      } else if (
        sub.kind === 'logs' &&
        (sub.mentions === undefined || event.accountKeys.includes(sub.mentions))
      ) {
        send(sub, id, 'logsNotification', {
          context,
          value: { signature: event.signature, err: event.err, logs: event.logs },
        });
      }
    }
  });
  const offSlot = bank.onSlot((slot) => {
    for (const [id, sub] of subscriptions) {
      if (sub.kind === 'slot') send(sub, id, 'slotNotification', { parent: slot - 1, root: slot, slot });
      if (sub.kind === 'root') send(sub, id, 'rootNotification', slot);
    }
  });
  // Slots follow the wall clock; tick while someone listens for them.
  const ticker = setInterval(() => {
    if ([...subscriptions.values()].some((s) => s.kind === 'slot' || s.kind === 'root')) bank.advance();
  }, 400);
  ticker.unref();

  const onSocketMessage = (socket: WebSocket, raw: string) => {
    let request: { id?: unknown; method?: string; params?: unknown[] };
    try {
      request = JSON.parse(raw);
    } catch {
      return;
    }
    if (request.id === undefined || request.id === null) return;
    const reply = (body: object) => socket.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, ...body }));
    const match = /^(signature|account|program|logs|slot|root)(Subscribe|Unsubscribe)$/.exec(
      request.method ?? '',
    );
    if (!match) return reply({ error: { code: -32601, message: `Method not found: ${request.method}` } });
    const params = request.params ?? [];
    if (match[2] === 'Unsubscribe') return reply({ result: subscriptions.delete(Number(params[0])) });
    const kind = match[1] as Subscription['kind'];
    const id = nextId++;
    const config = (kind === 'logs' ? params[1] : params[1]) as
      | { encoding?: string; filters?: Array<Record<string, unknown>> }
      | undefined;
    const logsFilter = params[0] as string | { mentions?: string[] } | undefined;
    let matches: DataFilter | undefined;
    try {
      // Checked now: a malformed filter fails the subscription, not the transactions notified later.
      if (kind === 'program' && config?.filters) matches = compileFilters(config.filters);
    } catch (error) {
      const rpc = error instanceof RpcError ? error : new RpcError(-32602, (error as Error).message);
      return reply({ error: { code: rpc.code, message: rpc.message } });
    }
    const subscription: Subscription = {
      socket,
      kind,
      ...(kind === 'signature' || kind === 'account' || kind === 'program' ? { key: String(params[0]) } : {}),
      ...(config?.encoding ? { encoding: config.encoding } : {}),
      ...(matches ? { matches } : {}),
      ...(kind === 'logs' && typeof logsFilter === 'object' && logsFilter?.mentions?.[0]
        ? { mentions: logsFilter.mentions[0] }
        : {}),
    };
    subscriptions.set(id, subscription);
    reply({ result: id });
    if (kind === 'signature') {
      // Processed already (the localnet executes synchronously): notify at once, as web3.js waits for it.
      const status = bank.status(subscription.key!);
      if (status) {
        send(subscription, id, 'signatureNotification', {
          context: { slot: status.slot },
          value: { err: status.err },
        });
        subscriptions.delete(id);
      }
    }
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }),
        );
        return;
      }
      const one = (call: { id?: unknown; method?: unknown; params?: unknown }) => {
        try {
          if (typeof call.method !== 'string') throw new RpcError(-32600, 'Invalid request: missing method');
          return {
            jsonrpc: '2.0',
            id: call.id ?? null,
            result: handle(call.method, call.params as unknown[]),
          };
        } catch (error) {
          const rpc =
            error instanceof RpcError
              ? error
              : new RpcError(-32603, `Internal error: ${(error as Error).message}`);
          return {
            jsonrpc: '2.0',
            id: call.id ?? null,
            error: {
              code: rpc.code,
              message: rpc.message,
              ...(rpc.data === undefined ? {} : { data: rpc.data }),
            },
          };
        }
      };
      const result = Array.isArray(body) ? body.map(one) : one(body as object);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result));
    });
  };

  const servers: Server[] = [];
  const sockets: WebSocketServer[] = [];
  const listen = (server: Server, at: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at, host, () => resolve((server.address() as AddressInfo).port));
    });
  const attach = (server: Server) => {
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) => {
      socket.on('message', (raw) => onSocketMessage(socket, raw.toString()));
      socket.on('close', () => {
        for (const [id, sub] of subscriptions) if (sub.socket === socket) subscriptions.delete(id);
      });
    });
    sockets.push(wss);
  };

  // Find a pair of ports (p, p + 1) that are both free.
  let rpcPort = 0;
  let wsPort = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    const rpc = createServer(onRequest);
    rpc.keepAliveTimeout = 65_000;
    const ws = createServer((_, response) => response.writeHead(426).end());
    try {
      rpcPort = await listen(rpc, port === 0 ? 0 : port);
    } catch (error) {
      if (port !== 0) throw error;
      continue;
    }
    try {
      wsPort = await listen(ws, rpcPort + 1);
    } catch (error) {
      await new Promise((resolve) => rpc.close(resolve));
      if (port !== 0) throw error;
      continue;
    }
    servers.push(rpc, ws);
    attach(rpc);
    attach(ws);
    break;
  }
  if (servers.length === 0)
    throw new Error('could not find two consecutive free ports for the RPC and WebSocket servers');

  return {
    rpcUrl: `http://${host}:${rpcPort}`,
    wsUrl: `ws://${host}:${wsPort}`,
    port: rpcPort,
    async close() {
      clearInterval(ticker);
      offCommit();
      offSlot();
      for (const wss of sockets) for (const client of wss.clients) client.terminate();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
