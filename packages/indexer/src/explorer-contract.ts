/**
 * Compile-time contract with `@nosana/explorer`: the API's answers satisfy the shapes the web app reads. A change
 * to either side that breaks the app fails `tsc` here. Types only: nothing runs.
 */
import type {
  ExplorerChange,
  ExplorerJob,
  ExplorerJobPage,
  ExplorerMarket,
  ExplorerNode,
  ExplorerNodeSpecs,
  ExplorerSearch,
  ExplorerThroughput,
} from '@nosana/explorer';
import type { NodeSpecsAnswer } from './node-info.js';
import type { getJob, JobJson, listJobs, MarketJson, NodeJson, search, throughput } from './queries.js';
import type { Change } from './store.js';

type Satisfies<Actual extends Expected, Expected> = [Actual, Expected];

/** Each pair: [what the indexer returns, what the explorer reads]. */
export type ExplorerContract = [
  Satisfies<JobJson, ExplorerJob>,
  Satisfies<NonNullable<ReturnType<typeof getJob>>, ExplorerJob>,
  Satisfies<ReturnType<typeof listJobs>, ExplorerJobPage>,
  Satisfies<MarketJson, ExplorerMarket>,
  Satisfies<NodeJson, ExplorerNode>,
  Satisfies<NodeSpecsAnswer, ExplorerNodeSpecs>,
  Satisfies<{ items: ReturnType<typeof throughput> }, ExplorerThroughput>,
  Satisfies<{ items: ReturnType<typeof search> }, ExplorerSearch>,
  Satisfies<Change, ExplorerChange>,
];
