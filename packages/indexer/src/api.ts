/**
 * The read-only HTTP API: JSON routes over the store, `/openapi.json`, a server-sent-events stream of changes, and
 * the explorer's static files. Hostile callers are expected: only GET/HEAD, every parameter validated (clear 400s),
 * bounded pages, a cap on open streams, and request timeouts.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { explainJob } from './explain.js';
import { openApiDocument } from './openapi.js';
import {
  ApiError,
  address,
  DEFAULT_PAGE,
  integer,
  MAX_PAGE,
  optionalAddress,
  readQuery,
  searchTerm,
  status,
} from './params.js';
import {
  changesSince,
  getJob,
  getMarket,
  getNode,
  listJobs,
  listMarkets,
  search,
  throughput,
} from './queries.js';
import type { Change, IndexerStore } from './store.js';

/** A URL path decoded, or a 400 when its percent-encoding is invalid or it holds a NUL byte. */
function decodePath(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new ApiError(400, 'INVALID_PATH', 'the path is not valid percent-encoding');
  }
  if (decoded.includes('\0')) throw new ApiError(400, 'INVALID_PATH', 'the path contains a NUL byte');
  return decoded;
}

/** Parameters of {@link createApiHandler}. */
export interface CreateApiHandlerParameters {
  store: IndexerStore;
  /** Subscribe to committed changes (for the stream); returns an unsubscribe function. */
  subscribe: (listener: (change: Change) => void) => () => void;
  /** Sync state for `/health`. */
  health: () => { synced: boolean; slot: number };
  /** Directory of the explorer's built files (none: no web app). */
  webRoot?: string;
  /** Most concurrent SSE streams (default 200). */
  maxStreams?: number;
  version?: string;
  /** Receives unexpected failures (answered with a 500 without details). */
  log?: (message: string) => void;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
};

function send(res: ServerResponse, code: number, body: unknown): void {
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

const notFound = (what: string, value: string) =>
  new ApiError(
    404,
    'NOT_FOUND',
    `no ${what} ${value} in the index (check the address, or wait for the indexer to catch up)`,
  );

/**
 * Creates the request handler of the indexer API (mount it on `http.createServer`).
 *
 * @example
 * ```ts
 * const server = createServer(createApiHandler({ store, subscribe, health }));
 * ```
 */
export function createApiHandler({
  store,
  subscribe,
  health,
  webRoot,
  maxStreams = 200,
  version = '0.1.0',
  log = () => undefined,
}: CreateApiHandlerParameters): (req: IncomingMessage, res: ServerResponse) => void {
  let streams = 0;
  const openapi = JSON.stringify(openApiDocument(version));

  const stream = (req: IncomingMessage, res: ServerResponse, query: Map<string, string>) => {
    if (streams >= maxStreams)
      throw new ApiError(503, 'TOO_MANY_STREAMS', `at most ${maxStreams} streams are open; retry later`);
    const header = req.headers['last-event-id'];
    const lastId =
      typeof header === 'string' && /^\d{1,15}$/.test(header)
        ? Number(header)
        : integer(query, 'since', 0, Number.MAX_SAFE_INTEGER, -1);
    streams += 1;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    let sent = lastId;
    const write = (change: Change) => {
      if (change.seq <= sent) return;
      sent = change.seq;
      // A slow reader is dropped rather than buffered without bound; it resumes with Last-Event-ID.
      if (res.writableLength > 1 << 20) res.destroy();
      else res.write(`id: ${change.seq}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`);
    };
    const unsubscribe = subscribe(write);
    if (lastId >= 0) for (const change of changesSince(store, lastId, 1000)) write(change);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    res.on('close', () => {
      streams -= 1;
      clearInterval(ping);
      unsubscribe();
    });
  };

  const staticFile = (res: ServerResponse, path: string): boolean => {
    if (!webRoot) return false;
    const relative = normalize(decodePath(path)).replace(/^([/\\])+/, '');
    let file = join(webRoot, relative);
    if (!file.startsWith(webRoot + sep) && file !== webRoot) return false;
    if (!existsSync(file) || !statSync(file).isFile()) {
      // Client-side routes (`/job/…`) get the app; missing assets get a 404.
      if (extname(relative)) return false;
      file = join(webRoot, 'index.html');
      if (!existsSync(file)) return false;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': file.includes(`${sep}assets${sep}`)
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
    });
    if (res.req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };

  const route = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new ApiError(
        405,
        'METHOD_NOT_ALLOWED',
        `${req.method} is not allowed: the API is read-only (GET)`,
      );
    }
    const url = new URL(req.url ?? '/', 'http://indexer');
    const path = url.pathname;
    decodePath(path);
    const parts = path.split('/').filter(Boolean);
    const query = (allowed: readonly string[]) => readQuery(url.searchParams, allowed);
    if (path === '/health') return send(res, 200, { ok: true, ...health() });
    if (path === '/openapi.json') {
      query([]);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
      });
      return res.end(req.method === 'HEAD' ? undefined : openapi);
    }
    if (parts[0] !== 'api') {
      if (staticFile(res, path)) return;
      throw new ApiError(404, 'NOT_FOUND', `no route ${path.slice(0, 100)}; see /openapi.json`);
    }
    const [, resource, id, sub, ...rest] = parts;
    if (rest.length)
      throw new ApiError(404, 'NOT_FOUND', `no route ${path.slice(0, 100)}; see /openapi.json`);
    if (resource === 'jobs' && !id) {
      const q = query(['market', 'node', 'project', 'status', 'limit', 'cursor']);
      const cursor = integer(q, 'cursor', 0, Number.MAX_SAFE_INTEGER, -1);
      return send(
        res,
        200,
        listJobs(store, {
          market: optionalAddress(q, 'market'),
          node: optionalAddress(q, 'node'),
          project: optionalAddress(q, 'project'),
          status: status(q),
          limit: integer(q, 'limit', 1, MAX_PAGE, DEFAULT_PAGE),
          ...(cursor >= 0 ? { cursor } : {}),
        }),
      );
    }
    if (resource === 'jobs' && id && (sub === undefined || sub === 'explain')) {
      query([]);
      const key = address(id, 'address');
      const found = sub === 'explain' ? explainJob(store, key) : getJob(store, key);
      if (!found) throw notFound('job', key);
      return send(res, 200, found);
    }
    if (resource === 'markets' && !sub) {
      query([]);
      if (!id) return send(res, 200, { items: listMarkets(store) });
      const found = getMarket(store, address(id, 'address'));
      if (!found) throw notFound('market', id);
      return send(res, 200, found);
    }
    if (resource === 'nodes' && id && !sub) {
      query([]);
      const found = getNode(store, address(id, 'address'));
      if (!found) throw notFound('node', id);
      return send(res, 200, found);
    }
    if (resource === 'throughput' && !id) {
      const q = query(['market', 'hours']);
      return send(res, 200, {
        items: throughput(store, integer(q, 'hours', 1, 168, 24), optionalAddress(q, 'market')),
      });
    }
    if (resource === 'search' && !id)
      return send(res, 200, { items: search(store, searchTerm(query(['q']))) });
    if (resource === 'changes' && !id) {
      const q = query(['since', 'limit']);
      const items = changesSince(
        store,
        integer(q, 'since', 0, Number.MAX_SAFE_INTEGER, 0),
        integer(q, 'limit', 1, MAX_PAGE, DEFAULT_PAGE),
      );
      return send(res, 200, { items });
    }
    if (resource === 'stream' && !id) return stream(req, res, query(['since']));
    throw new ApiError(404, 'NOT_FOUND', `no route ${path.slice(0, 100)}; see /openapi.json`);
  };

  return (req, res) => {
    try {
      route(req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof ApiError) {
        send(res, error.status, {
          error: { code: error.code, message: error.message, ...(error.param ? { param: error.param } : {}) },
        });
      } else {
        log(`${req.method} ${req.url?.slice(0, 200)} failed: ${(error as Error).stack ?? error}`);
        send(res, 500, { error: { code: 'INTERNAL', message: 'the indexer failed to answer; see its log' } });
      }
    }
  };
}
