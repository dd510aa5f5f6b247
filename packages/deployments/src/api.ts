/**
 * The manager's HTTP API, shaped after the Nosana deployments API (`/api/deployments`, `/api/deployments/:id`,
 * `/api/deployments/:id/{start,stop,archive}`, …). Every request is signed by the manager's own wallet, the way
 * the node API authenticates job owners: `authorization: nosana-deployments:<METHOD> <path>:<sig>:<ms>`.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyAuthHeader } from '@nosana/chain';
import { NosanaError } from '@nosana/core';
import { PublicKey } from '@solana/web3.js';
import type { DeploymentManager } from './manager.js';
import type { DeploymentStore } from './store.js';
import { DEPLOYMENT_STRATEGIES, type DeploymentStrategy } from './types.js';
import './errors.js';

/** The message a caller signs for a request (see the module documentation). */
export const apiAuthMessage = (method: string, path: string): string =>
  `nosana-deployments:${method.toUpperCase()} ${path}`;

/** JSON with bigints as strings. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/** Parameters of {@link startDeploymentApi}. */
export interface StartDeploymentApiParameters {
  manager: DeploymentManager;
  store: DeploymentStore;
  /** The wallet allowed to call (the manager's). */
  owner: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Largest request body (bytes). Default 1 MiB. */
  maxBodyBytes?: number;
}

/** Result of {@link startDeploymentApi}. */
export interface StartDeploymentApiResult {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const fail = (status: number, path: string, message: string) =>
  new NosanaError('DEPLOY__API_REQUEST', message, { status, path });

const readBody = (request: IncomingMessage, limit: number, path: string) =>
  new Promise<unknown>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(fail(413, path, `request body over ${limit} bytes`));
        // Discard the rest (answered with connection: close) instead of resetting before the answer is sent.
        request.removeAllListeners('data');
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(fail(400, path, 'the request body is not JSON'));
      }
    });
    request.on('error', reject);
  });

const statusOf = (error: unknown) => {
  if (!(error instanceof NosanaError)) return 500;
  if (error.code === 'DEPLOY__API_REQUEST') return (error.context as unknown as { status: number }).status;
  if (error.code === 'CHAIN__AUTH_INVALID') return 401;
  if (error.code === 'DEPLOY__NOT_FOUND') return 404;
  if (error.code === 'DEPLOY__INVALID_TRANSITION') return 409;
  if (String(error.code).startsWith('CHAIN__RPC') || error.code === 'CHAIN__IPFS_UNREACHABLE') return 502;
  return 400;
};

/**
 * Serves the manager over HTTP on loopback by default. Routes: `GET /api/deployments`, `POST /api/deployments`,
 * `GET /api/deployments/:id`, `POST /api/deployments/:id/{start,stop,archive}`, `PATCH
 * /api/deployments/:id/replicas {replicas}`, `POST /api/deployments/:id/revisions {definition}`, `GET
 * /api/deployments/:id/events?after=<id>`.
 *
 * @example
 * ```ts
 * const api = await startDeploymentApi({ manager, store, owner: wallet.publicKey.toBase58(), port: 3939 });
 * console.log(api.url);
 * ```
 */
export async function startDeploymentApi({
  manager,
  store,
  owner,
  host = '127.0.0.1',
  port = 0,
  maxBodyBytes = 1 << 20,
}: StartDeploymentApiParameters): Promise<StartDeploymentApiResult> {
  const ownerKey = new PublicKey(owner);
  const handle = async (request: IncomingMessage) => {
    const url = new URL(request.url ?? '/', 'http://manager');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    verifyAuthHeader({
      header: request.headers.authorization,
      publicKey: ownerKey,
      message: apiAuthMessage(method, path),
    });
    const body =
      method === 'GET' ? {} : ((await readBody(request, maxBodyBytes, path)) as Record<string, unknown>);
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw fail(400, path, 'expected a JSON object');
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'api' || parts[1] !== 'deployments') throw fail(404, path, `no route ${method} ${path}`);
    const id = parts[2];
    const action = parts[3];
    if (!id) {
      if (method === 'GET') return store.deployments();
      if (method === 'POST') {
        const strategy = String(body.strategy ?? '').toUpperCase() as DeploymentStrategy;
        if (!DEPLOYMENT_STRATEGIES.includes(strategy))
          throw fail(400, path, `strategy must be one of ${DEPLOYMENT_STRATEGIES.join(', ')}`);
        let budget: bigint;
        try {
          budget = BigInt(String(body.budget));
        } catch {
          throw fail(400, path, 'budget must be a whole number of NOS base units (a string)');
        }
        return manager.create({
          definition: body.definition,
          market: String(body.market ?? ''),
          replicas: Number(body.replicas),
          strategy,
          timeout: Number(body.timeout),
          budget,
          ...(typeof body.name === 'string' ? { name: body.name } : {}),
          ...(typeof body.schedule === 'string' ? { schedule: body.schedule } : {}),
          ...(body.rotation !== undefined ? { rotation: Number(body.rotation) } : {}),
        });
      }
    } else if (!action && method === 'GET') {
      return manager.view(id);
    } else if (method === 'POST' && action === 'start') {
      return manager.start(id);
    } else if (method === 'POST' && action === 'stop') {
      return manager.stop(id);
    } else if (method === 'POST' && action === 'archive') {
      return manager.archive(id);
    } else if (method === 'PATCH' && action === 'replicas') {
      return manager.scale(id, Number(body.replicas));
    } else if (method === 'POST' && action === 'revisions') {
      return manager.update(id, body.definition);
    } else if (method === 'GET' && action === 'events') {
      store.deployment(id);
      return store.events(id, Number(url.searchParams.get('after') ?? 0) || 0, 1000);
    }
    throw fail(404, path, `no route ${method} ${path}`);
  };

  const server = createServer((request, response) => {
    handle(request).then(
      (result) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(toJson(result));
      },
      (error: unknown) => {
        const status = statusOf(error);
        const code = error instanceof NosanaError ? error.code : 'DEPLOY__API_REQUEST';
        const message = status === 500 ? 'internal error' : (error as Error).message;
        if (!response.headersSent) {
          response.writeHead(status, {
            'content-type': 'application/json',
            ...(status === 413 ? { connection: 'close' } : {}),
          });
        }
        response.end(toJson({ error: { code, message } }));
      },
    );
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
