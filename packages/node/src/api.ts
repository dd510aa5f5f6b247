/**
 * The node's local HTTP API (127.0.0.1 by default): liveness, status, and — for a job's owner, with a signed
 * `authorization` header (`createAuthHeader(wallet, 'nosana-job:<job>')`, valid 5 minutes) — the job's live state
 * and its logs as a WebSocket stream.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jobAuthMessage, type NosanaClient, verifyAuthHeader } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import { WebSocketServer } from 'ws';
import type { NosanaNode } from './node.js';

/** Parameters of {@link startNodeApi}. */
export interface StartNodeApiParameters {
  node: NosanaNode;
  client: NosanaClient;
  /** Default 5001 is taken by the localnet's IPFS; default here 5101. 0 picks a free port. */
  port?: number;
  host?: string;
  version?: string;
}

/** A running node API. */
export interface NodeApi {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the node API.
 *
 * @example
 * ```ts
 * const api = await startNodeApi({ node, client, port: 0 });
 * await fetch(`${api.url}/node/info`);
 * ```
 */
export async function startNodeApi({
  node,
  client,
  port = 5101,
  host = '127.0.0.1',
  version = '0.0.0',
}: StartNodeApiParameters): Promise<NodeApi> {
  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  };
  /** Resolves when the request is signed by the job's owner; answers 401/404 otherwise. */
  const authorize = async (
    request: IncomingMessage,
    job: string,
  ): Promise<{ ok: true } | { ok: false; status: number; message: string }> => {
    const onChain = await client.jobs.get(job).catch(() => null);
    if (!onChain) return { ok: false, status: 404, message: `no job ${job}` };
    try {
      verifyAuthHeader({
        header: request.headers.authorization,
        publicKey: onChain.project,
        message: jobAuthMessage(job),
      });
      return { ok: true };
    } catch (error) {
      return { ok: false, status: 401, message: isNosanaError(error) ? error.message : 'unauthorized' };
    }
  };
  const liveJob = (job: string) => node.jobs().find((j) => j.job === job);

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (request.method !== 'GET') return json(response, 405, { error: 'method not allowed' });
      if (url.pathname === '/') return json(response, 200, { address: node.address });
      if (url.pathname === '/node/info') {
        return json(response, 200, {
          address: node.address,
          state: node.state(),
          market: node.market() ?? null,
          version,
          uptimeSeconds: Math.floor((Date.now() - node.startedAt) / 1000),
          jobs: node.jobs().map((j) => ({
            job: j.job,
            run: j.run,
            startedAt: j.startedAt,
            ops: j.ops,
            endpoints: j.endpoints,
          })),
        });
      }
      const match = /^\/job\/([1-9A-HJ-NP-Za-km-z]{32,44})$/.exec(url.pathname);
      if (match) {
        const auth = await authorize(request, match[1]!);
        if (!auth.ok) return json(response, auth.status, { error: auth.message });
        const view = liveJob(match[1]!);
        if (!view) return json(response, 404, { error: 'this node is not running that job now' });
        return json(response, 200, {
          job: view.job,
          run: view.run,
          startedAt: view.startedAt,
          ops: view.ops,
          endpoints: view.endpoints,
          logs: view.logs,
        });
      }
      json(response, 404, { error: 'not found' });
    } catch (error) {
      json(response, 500, { error: (error as Error).message });
    }
  });

  // WebSocket /job/<job>/logs: the buffered lines, then new ones as they come.
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', async (request, socket, head) => {
    const match = /^\/job\/([1-9A-HJ-NP-Za-km-z]{32,44})\/logs$/.exec(
      new URL(request.url ?? '/', 'http://localhost').pathname,
    );
    const refuse = (status: number, message: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Not Found'}\r\ncontent-type: text/plain\r\n\r\n${message}`,
      );
    };
    if (!match) return refuse(404, 'not found');
    const auth = await authorize(request, match[1]!);
    if (!auth.ok) return refuse(auth.status, auth.message);
    const view = liveJob(match[1]!);
    if (!view) return refuse(404, 'this node is not running that job now');
    sockets.handleUpgrade(request, socket, head, (ws) => {
      for (const entry of view.logs) ws.send(JSON.stringify(entry));
      const listener = (entry: unknown) => ws.send(JSON.stringify(entry));
      view.listeners.add(listener);
      const ping = setInterval(() => ws.ping(), 30_000);
      ws.on('close', () => {
        clearInterval(ping);
        view.listeners.delete(listener);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const client of sockets.clients) client.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
