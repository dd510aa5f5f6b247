/**
 * `@nosana/indexer` — follows the Nosana Jobs program into SQLite and serves a read-only HTTP API (OpenAPI at
 * `/openapi.json`), a server-sent-events stream of changes and the explorer web app.
 *
 * @packageDocumentation
 */
export { type CreateApiHandlerParameters, createApiHandler } from './api.js';
export { createIndexerClient, type IndexerClient, type ListIndexedJobsParameters } from './client.js';
export { type ExplainJobResult, type ExplainReason, explainJob } from './explain.js';
export { type CreateFollowerParameters, createFollower, type Follower } from './follower.js';
export { defaultWebRoot, type Indexer, type StartIndexerParameters, startIndexer } from './indexer.js';
export {
  type CreateNodeSpecsSourceParameters,
  createNodeSpecsSource,
  type NodeApiLocator,
  type NodeSpecsAnswer,
  type NodeSpecsSource,
} from './node-info.js';
export { type NodeGpuView, type NodeSpecsView, nodeSpecsView } from './node-specs.js';
export { openApiDocument } from './openapi.js';
export { ApiError, MAX_PAGE } from './params.js';
export {
  chainNow,
  changesSince,
  getJob,
  getMarket,
  getNode,
  type JobJson,
  jobJson,
  type ListJobsQuery,
  listJobs,
  listMarkets,
  type MarketJson,
  type NodeJson,
  search,
  throughput,
} from './queries.js';
export {
  type DecodedAccount,
  decodeProgramAccount,
  type IndexedJobStatus,
  type JobRow,
  jobCost,
  jobStatus,
  type MarketRow,
  median,
  type RunRow,
} from './rows.js';
export { type Change, type IndexerStore, type OpenStoreParameters, openStore } from './store.js';
