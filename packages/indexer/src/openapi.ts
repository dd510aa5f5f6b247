/** The OpenAPI 3.1 document of the indexer API, served at `/openapi.json`. */
import { DEFAULT_PAGE, MAX_PAGE } from './params.js';

const address = { type: 'string', pattern: '^[1-9A-HJ-NP-Za-km-z]{32,44}$' };
const addressParam = (name: string, where: 'path' | 'query' = 'query', description = '') => ({
  name,
  in: where,
  required: where === 'path',
  description,
  schema: address,
});
const error = {
  description: 'Invalid request: `{ error: { code, message, param } }`',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const ok = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

/** Builds the OpenAPI document (a plain object). */
export function openApiDocument(version: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nosana indexer API',
      version,
      description:
        'Read-only view of the Nosana Jobs program: jobs, markets, nodes, search and a stream of changes. Amounts are NOS base units (6 decimals) as decimal strings; times are chain unix seconds.',
    },
    paths: paths(),
    components: components(),
  };
}

/** The routes and their parameters and answers. */
function paths(): object {
  return {
    '/health': { get: { summary: 'Liveness and sync state', responses: { 200: ok({ type: 'object' }) } } },
    ...jobPaths(),
    '/api/markets': {
      get: {
        summary: 'Markets with queue, price and statistics',
        responses: { 200: ok({ type: 'object' }) },
      },
    },
    '/api/markets/{address}': {
      get: {
        summary: 'A market',
        parameters: [addressParam('address', 'path')],
        responses: { 200: ok({ type: 'object' }), 400: error, 404: error },
      },
    },
    '/api/nodes/{address}': {
      get: {
        summary: 'A node: queue position, current jobs, history, earnings',
        parameters: [addressParam('address', 'path')],
        responses: { 200: ok({ type: 'object' }), 400: error, 404: error },
      },
    },
    '/api/nodes/{address}/specs': {
      get: {
        summary: "A node's hardware as it publishes it on its node API (`/node/info`; self-reported, cached)",
        description:
          'Answers `{ node, specs, fetchedAt, error, source }`: `specs` is the last view learned (CPU, memory, disk, GPUs, engine, network, benchmark) or null, `error` why the last attempt failed. 503 when the indexer was started without a node API locator (`--node-api`).',
        parameters: [addressParam('address', 'path')],
        responses: { 200: ok({ type: 'object' }), 400: error, 404: error, 503: error },
      },
    },
    '/api/throughput': {
      get: {
        summary: 'Jobs finished per hour',
        parameters: [
          addressParam('market'),
          {
            name: 'hours',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 168, default: 24 },
          },
        ],
        responses: { 200: ok({ type: 'object' }), 400: error },
      },
    },
    '/api/search': {
      get: {
        summary: 'Find a job, market or node by address or CID',
        parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }],
        responses: { 200: ok({ type: 'object' }), 400: error },
      },
    },
    '/api/changes': {
      get: {
        summary: 'The change log after a sequence number',
        parameters: [
          { name: 'since', in: 'query', schema: { type: 'integer', minimum: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE } },
        ],
        responses: { 200: ok({ type: 'object' }), 400: error },
      },
    },
    '/api/stream': {
      get: {
        summary: 'Server-sent events: one `change` event per change (id = seq; resumes from Last-Event-ID)',
        responses: { 200: { description: 'text/event-stream' }, 503: error },
      },
    },
  };
}

/** The routes of jobs: list, one job, its explanation, definition and result. */
function jobPaths(): object {
  return {
    '/api/jobs': {
      get: {
        summary: 'Jobs, newest first, paginated with a cursor',
        parameters: [
          addressParam('market'),
          addressParam('node', 'query', 'the node that runs or ran the job'),
          addressParam('project'),
          {
            name: 'status',
            in: 'query',
            schema: { enum: ['QUEUED', 'RUNNING', 'COMPLETED', 'STOPPED', 'DELISTED'] },
          },
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE },
          },
          {
            name: 'cursor',
            in: 'query',
            description: '`nextCursor` of the previous page',
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        responses: {
          200: ok({
            type: 'object',
            properties: {
              items: { type: 'array', items: { $ref: '#/components/schemas/Job' } },
              nextCursor: { type: ['integer', 'null'] },
            },
          }),
          400: error,
        },
      },
    },
    '/api/jobs/{address}': {
      get: {
        summary: 'A job with its timeline, cost and runs',
        parameters: [addressParam('address', 'path')],
        responses: { 200: ok({ $ref: '#/components/schemas/Job' }), 400: error, 404: error },
      },
    },
    '/api/jobs/{address}/explain': {
      get: {
        summary: 'Why a job is not running yet: queue position, nodes, ETA and a reason code',
        parameters: [addressParam('address', 'path')],
        responses: { 200: ok({ type: 'object' }), 400: error, 404: error },
      },
    },
    '/api/jobs/{address}/definition': {
      get: {
        summary:
          "The job's definition from IPFS, with the services it exposes and their last known health (503 when the indexer has no IPFS endpoint)",
        parameters: [addressParam('address', 'path')],
        responses: { 200: ok({ type: 'object' }), 400: error, 404: error, 502: error, 503: error },
      },
    },
    '/api/jobs/{address}/result': {
      get: {
        summary:
          "The job's published result from IPFS: flow status, and each op's status, exit code and last 2,000 log lines",
        parameters: [addressParam('address', 'path')],
        responses: { 200: ok({ type: 'object' }), 400: error, 404: error, 502: error, 503: error },
      },
    },
    '/api/jobs/{address}/logs': {
      get: {
        summary:
          "A running job's live log lines, relayed from its node as server-sent events (`log`: { opId, type, log, timestamp }; `end`; `refused`: the node gives them to the job's owner only, for a sealed or confidential job). 409 when the job does not run; 503 without node APIs or with too many streams open",
        parameters: [addressParam('address', 'path')],
        responses: {
          200: { description: 'text/event-stream' },
          400: error,
          404: error,
          409: error,
          503: error,
        },
      },
    },
  };
}

/** The schemas the routes refer to. */
function components(): object {
  return {
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              param: { type: 'string' },
            },
          },
        },
      },
      Job: {
        type: 'object',
        properties: {
          address,
          status: { enum: ['QUEUED', 'RUNNING', 'COMPLETED', 'STOPPED', 'DELISTED'] },
          market: address,
          project: address,
          node: { type: ['string', 'null'] },
          definition: { type: 'string' },
          result: { type: ['string', 'null'] },
          price: { type: 'string' },
          deposit: { type: 'string' },
          cost: { type: 'string' },
          timeline: { type: 'object' },
        },
      },
    },
  };
}
