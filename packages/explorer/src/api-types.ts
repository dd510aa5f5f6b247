/**
 * The shapes of the indexer API the explorer reads (a subset of what it returns). The indexer checks at compile
 * time that its responses satisfy them (`packages/indexer/src/explorer-contract.ts`), so the two cannot drift.
 */

/** A job's status as the indexer reports it. */
export type JobStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'STOPPED' | 'DELISTED';

/** A job (`GET /api/jobs/{address}`, and the items of `GET /api/jobs`). */
export interface ExplorerJob {
  address: string;
  status: JobStatus;
  market: string;
  project: string;
  node: string | null;
  definition: string;
  result: string | null;
  /** NOS base units per second, and escrowed / billed. */
  price: string;
  timeout: number;
  deposit: string;
  cost: string;
  timeline: {
    posted: number | null;
    claimed: number | null;
    started: number | null;
    finished: number | null;
    waitSeconds: number | null;
    runSeconds: number | null;
  };
  closed: boolean;
}

/** A page of jobs. */
export interface ExplorerJobPage {
  items: ExplorerJob[];
  nextCursor: number | null;
}

/** A market (`GET /api/markets`, `/api/markets/{address}`). */
export interface ExplorerMarket {
  address: string;
  jobPrice: string;
  pricePerHour: string;
  jobTimeout: number;
  queue: { kind: 'jobs' | 'nodes' | 'empty'; entries: Array<{ position: number; address: string }> };
  nodes: { known: number; busy: number; queued: number };
  jobs: { queued: number; running: number; lastHour: number };
  medianWaitSeconds: number | null;
  medianRunSeconds: number | null;
  claimsPerHour: number | null;
  closed: boolean;
}

/** A node (`GET /api/nodes/{address}`). */
export interface ExplorerNode {
  address: string;
  firstSeen: number | null;
  lastSeen: number | null;
  queue: Array<{ market: string; position: number; length: number }>;
  current: ExplorerJob[];
  jobsRun: number;
  completed: number;
  stopped: number;
  successRate: number | null;
  earnings: string;
  earningsByDay: Array<{ day: number; earnings: string }>;
}

/** A GPU as its node reports it. */
export interface ExplorerGpu {
  name: string;
  memoryMiB: number | null;
  driverVersion: string | null;
  computeCapability: string | null;
  pcie: string | null;
}

/** A node's hardware as it publishes it on its node API (`GET /api/nodes/{address}/specs`; self-reported). */
export interface ExplorerNodeSpecs {
  node: string;
  specs: {
    version: string | null;
    collectedAt: string | null;
    os: { platform: string; release: string; arch: string } | null;
    cpu: { model: string; threads: number } | null;
    memoryBytes: number | null;
    disk: { totalBytes: number; freeBytes: number } | null;
    gpus: ExplorerGpu[];
    gpuNote: string | null;
    cudaVersion: string | null;
    engine: string | null;
    network: { downloadMbps: number; uploadMbps: number; latencyMs: number } | null;
    benchmark: {
      createdAt: string | null;
      cpuSingleMiBps: number | null;
      cpuMultiMiBps: number | null;
      cpuWorkers: number | null;
      gpuTflops: number | null;
      signedByNode: boolean;
    } | null;
  } | null;
  /** When the specs were learned (unix ms), or null. */
  fetchedAt: number | null;
  /** Why the last attempt to ask the node failed, or null. */
  error: string | null;
}

/** Jobs finished per hour (`GET /api/throughput`). */
export interface ExplorerThroughput {
  items: Array<{ hour: number; finished: number }>;
}

/** Search hits (`GET /api/search`). */
export interface ExplorerSearch {
  items: Array<{ kind: 'job' | 'market' | 'node'; address: string }>;
}

/** A service a job exposes, with its last known health. */
export interface ExplorerEndpoint {
  op: string;
  port: number;
  serviceId: string;
  status: 'ONLINE' | 'OFFLINE' | 'UNKNOWN';
}

/** A job's definition read from IPFS (`GET /api/jobs/{address}/definition`). */
export interface ExplorerDefinition {
  cid: string;
  definition: unknown;
  endpoints: ExplorerEndpoint[];
}

/** One log line of a result. */
export interface ExplorerLogLine {
  type: string;
  log: string;
  timestamp: number;
}

/** A running job's live log line (`GET /api/jobs/{address}/logs`, event `log`). */
export interface ExplorerLiveLine extends ExplorerLogLine {
  opId: string;
}

/** A job's result read from IPFS (`GET /api/jobs/{address}/result`). */
export interface ExplorerResult {
  cid: string;
  status: string;
  ops: Array<{ id: string; status: string; exitCode: number | null; logs: ExplorerLogLine[] }>;
}

/** An entry of the change stream (`GET /api/stream`, event `change`). */
export interface ExplorerChange {
  seq: number;
  kind: 'job' | 'run' | 'market' | 'reset';
  address: string;
  status: JobStatus | null;
  slot: number;
}

/** `GET /health`. */
export interface ExplorerHealth {
  ok: boolean;
  synced: boolean;
  slot: number;
}
