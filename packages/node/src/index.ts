/**
 * `@nosana/node` — the Nosana host daemon: joins a market, runs jobs in containers, pins results, gets paid.
 *
 * @packageDocumentation
 */
export { type NodeApi, type StartNodeApiParameters, startNodeApi } from './api.js';
export {
  type BenchmarkDefinitionParameters,
  benchmarkDefinition,
  CPU_BENCHMARK_IMAGE,
  DEFAULT_BENCHMARK_MIB,
  GPU_BENCHMARK_IMAGE,
  zeroDigest,
} from './benchmark/definition.js';
export {
  type BenchmarkReport,
  type ScoreBenchmarkParameters,
  type SignedBenchmark,
  scoreBenchmark,
  signBenchmark,
  verifyBenchmark,
} from './benchmark/report.js';
export {
  BENCHMARK_FILE,
  loadBenchmark,
  type RunBenchmarkParameters,
  type RunBenchmarkResult,
  runBenchmark,
  saveBenchmark,
} from './benchmark/run.js';
export { type ChainPort, type CreateChainPortOptions, createChainPort } from './chain-port.js';
export {
  type CheckResult,
  runStartupChecks,
  type StartupChecksParameters,
  type StartupChecksResult,
} from './checks.js';
export { type CreateNodeParameters, createNode, type NosanaNode } from './daemon.js';
export type { NodeEvent, NodeState } from './events.js';
export { type LiveJob, type RunJobParameters, runJob } from './job-runner.js';
export { type CreateNodeLoggerParameters, createNodeLogger, nodeLogRecord } from './logger.js';
export { type HostNode, type StartHostNodeParameters, startHostNode } from './node.js';
export {
  type RecoverJobsParameters,
  type RecoverJobsResult,
  type RecoveryAction,
  recoverJobs,
} from './recovery.js';
export { type CapResultResult, capResult, MAX_RESULT_BYTES, unpinnableResult } from './result-size.js';
export {
  type Backoff,
  backoffDelay,
  type Clock,
  type RetryParameters,
  retry,
  systemClock,
} from './retry.js';
export {
  type SettlementAction,
  type SettleRecordParameters,
  type SettleRecordResult,
  settleRecord,
} from './settlement.js';
export {
  type CollectHostSpecsParameters,
  collectHostSpecs,
  type HostProbe,
  type HostSpecs,
  systemProbe,
} from './specs/host-specs.js';
export { type MeasureNetworkParameters, measureNetwork, type NetworkSpeed } from './specs/network-speed.js';
export {
  describePcie,
  GPU_QUERY_ARGS,
  GPU_QUERY_FIELDS,
  type GpuDetails,
  parseGpuQuery,
} from './specs/nvidia-smi.js';
export {
  type MarketGpuRequirement,
  type MarketQualification,
  type QualifyMarketsParameters,
  qualifyMarkets,
  vramGb,
} from './specs/qualify.js';
export {
  type MarketCandidate,
  type MarketRecommendation,
  type RecommendMarketsParameters,
  type RecommendMarketsResult,
  recommendMarkets,
} from './specs/recommend.js';
export {
  type ChainPresence,
  type JobPhase,
  type JobRecord,
  type NodeStore,
  type OpenNodeStoreParameters,
  openNodeStore,
} from './store.js';
export {
  type AssertWalletFreeParameters,
  assertWalletFree,
  type LockWalletParameters,
  lockWallet,
} from './wallet-guard.js';
