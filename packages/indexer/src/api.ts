/**
 * The read-only HTTP API: JSON routes over the store, `/openapi.json`, a server-sent-events stream of changes,
 * jobs' definitions and results from IPFS, and the explorer's static files. Hostile callers are expected: only
 * GET/HEAD, every parameter validated (clear 400s), bounded pages, a cap on open streams, and request timeouts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobContent } from './content.js';
import { explainJob } from './explain.js';
import { decodePath, noRoute, notFound, SECURITY_HEADERS, send } from './http.js';
import { createLiveLogs } from './live-logs.js';
import type { NodeApiLocator, NodeSpecsSource } from './node-info.js';
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
import { createStaticFiles } from './static-files.js';
import type { Change, IndexerStore } from './store.js';
import { createChangeStream } from './stream.js';

/** Parameters of {@link createApiHandler}. */
export interface CreateApiHandlerParameters {
  store: IndexerStore;
  /** Subscribe to committed changes (for the stream); returns an unsubscribe function. */
  subscribe: (listener: (change: Change) => void) => () => void;
  /** Sync state for `/health`. */
  health: () => { synced: boolean; slot: number };
  /** Directory of the explorer's built files (none: no web app). */
  webRoot?: string;
  /** API paths the web app's page at a path requests first (announced as preloads with the page). */
  preloads?: (path: string) => string[];
  /** Reads jobs' definitions and results (none: those routes answer 503). */
  content?: JobContent;
  /** Nodes' hardware from their node API (none: `/api/nodes/{address}/specs` answers 503). */
  nodeSpecs?: NodeSpecsSource;
  /** Where nodes' APIs are, to relay running jobs' live logs (none: `/api/jobs/{address}/logs` answers 503). */
  nodeApi?: NodeApiLocator;
  /** Most concurrent SSE streams (default 200). */
  maxStreams?: number;
  version?: string;
  /** Receives unexpected failures (answered with a 500 without details). */
  log?: (message: string) => void;
}

type Query = (allowed: readonly string[]) => Map<string, string>;
type Answer = void | Promise<void>;

/** `/api/jobs…` routes. */
function jobRoutes(
  store: IndexerStore,
  content: JobContent | undefined,
  res: ServerResponse,
  query: Query,
  id: string | undefined,
  sub: string | undefined,
): Answer | 'no-route' {
  if (!id) {
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
  if (sub !== undefined && sub !== 'explain' && sub !== 'definition' && sub !== 'result') return 'no-route';
  query([]);
  const key = address(id, 'address');
  if (sub === 'explain') {
    const found = explainJob(store, key);
    if (!found) throw notFound('job', key);
    return send(res, 200, found);
  }
  const job = getJob(store, key);
  if (!job) throw notFound('job', key);
  if (sub === undefined) return send(res, 200, job);
  return fromIpfs(res, content, sub, job.address, job.definition, job.result);
}

/** `/definition` and `/result`: read from IPFS through the content reader. */
async function fromIpfs(
  res: ServerResponse,
  content: JobContent | undefined,
  what: 'definition' | 'result',
  job: string,
  definitionCid: string,
  resultCid: string | null,
): Promise<void> {
  if (!content)
    throw new ApiError(
      503,
      'NO_IPFS',
      `this indexer has no IPFS endpoint to read the job's ${what} from; start it with --ipfs <url>`,
    );
  if (what === 'result' && !resultCid)
    throw new ApiError(404, 'NO_RESULT', `job ${job} has no result yet; it appears once the node finishes`);
  try {
    const body =
      what === 'result'
        ? await content.result(resultCid!)
        : await content.definition(job, definitionCid, resultCid);
    send(res, 200, body);
  } catch (cause) {
    throw new ApiError(
      502,
      'IPFS_FAILED',
      `the job's ${what} could not be read from IPFS: ${(cause as Error).message.slice(0, 200)}`,
    );
  }
}

/** `/api/nodes/{address}/specs`: what the node publishes about its hardware (a node the indexer knows). */
async function specsOf(
  res: ServerResponse,
  store: IndexerStore,
  nodeSpecs: NodeSpecsSource | undefined,
  id: string,
  query: Query,
): Promise<void> {
  query([]);
  const key = address(id, 'address');
  if (!nodeSpecs)
    throw new ApiError(
      503,
      'NO_NODE_API',
      "this indexer does not know where nodes' APIs are; start it with --node-api <url template>, e.g. https://{node}.node.example.com",
    );
  if (!getNode(store, key)) throw notFound('node', key);
  send(res, 200, await nodeSpecs.get(key));
}

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
  preloads,
  content,
  nodeSpecs,
  nodeApi,
  maxStreams = 200,
  version = '0.1.0',
  log = () => undefined,
}: CreateApiHandlerParameters): (req: IncomingMessage, res: ServerResponse) => void {
  const openapi = JSON.stringify(openApiDocument(version));
  const stream = createChangeStream({ store, subscribe, maxStreams });
  const liveLogs = createLiveLogs({ locate: nodeApi });
  const staticFile = webRoot ? createStaticFiles(webRoot, preloads) : () => false;

  const api = (req: IncomingMessage, res: ServerResponse, url: URL, parts: string[]): Answer => {
    const query: Query = (allowed) => readQuery(url.searchParams, allowed);
    const [, resource, id, sub, ...rest] = parts;
    if (rest.length) throw noRoute(url.pathname);
    if (resource === 'jobs' && id && sub === 'logs') {
      query([]);
      const job = getJob(store, address(id, 'address'));
      if (!job) throw notFound('job', id);
      return liveLogs(res, { address: job.address, node: job.node, status: job.status });
    }
    if (resource === 'jobs') {
      const answer = jobRoutes(store, content, res, query, id, sub);
      if (answer === 'no-route') throw noRoute(url.pathname);
      return answer;
    }
    if (resource === 'nodes' && id && sub === 'specs') return specsOf(res, store, nodeSpecs, id, query);
    if (sub) throw noRoute(url.pathname);
    if (resource === 'markets') {
      query([]);
      if (!id) return send(res, 200, { items: listMarkets(store) });
      const found = getMarket(store, address(id, 'address'));
      if (!found) throw notFound('market', id);
      return send(res, 200, found);
    }
    if (resource === 'nodes' && id) {
      query([]);
      const found = getNode(store, address(id, 'address'));
      if (!found) throw notFound('node', id);
      return send(res, 200, found);
    }
    if (id) throw noRoute(url.pathname);
    if (resource === 'throughput') {
      const q = query(['market', 'hours']);
      return send(res, 200, {
        items: throughput(store, integer(q, 'hours', 1, 168, 24), optionalAddress(q, 'market')),
      });
    }
    if (resource === 'search') return send(res, 200, { items: search(store, searchTerm(query(['q']))) });
    if (resource === 'changes') {
      const q = query(['since', 'limit']);
      const since = integer(q, 'since', 0, Number.MAX_SAFE_INTEGER, 0);
      return send(res, 200, {
        items: changesSince(store, since, integer(q, 'limit', 1, MAX_PAGE, DEFAULT_PAGE)),
      });
    }
    if (resource === 'stream') return stream(req, res, query(['since']));
    throw noRoute(url.pathname);
  };

  const route = (req: IncomingMessage, res: ServerResponse): Answer => {
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
    if (path === '/health') return send(res, 200, { ok: true, ...health() });
    if (path === '/openapi.json') {
      readQuery(url.searchParams, []);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
      });
      return void res.end(req.method === 'HEAD' ? undefined : openapi);
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api') return api(req, res, url, parts);
    if (staticFile(res, path)) return;
    throw noRoute(path);
  };

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
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
  };

  return (req, res) => {
    try {
      const answer = route(req, res);
      if (answer) answer.catch((error: unknown) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  };
}
