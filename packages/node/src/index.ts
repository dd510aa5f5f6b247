/**
 * `@nosana/node` — the Nosana host daemon: joins a market, runs jobs in containers, pins results, gets paid.
 *
 * @packageDocumentation
 */
export { type NodeApi, type StartNodeApiParameters, startNodeApi } from './api.js';
export {
  type CheckResult,
  runStartupChecks,
  type StartupChecksParameters,
  type StartupChecksResult,
} from './checks.js';
export { type CreateNodeLoggerParameters, createNodeLogger } from './logger.js';
export {
  type CreateNodeParameters,
  createNode,
  type LiveJob,
  type NodeEvent,
  type NodeState,
  type NosanaNode,
} from './node.js';
export {
  type JobPhase,
  type JobRecord,
  type NodeStore,
  type OpenNodeStoreParameters,
  openNodeStore,
} from './store.js';
