/** What a node is made of and how it behaves: the parameters of `createNode` (daemon.ts). */
import type { ContainerEngine, DetectGpusResult, Runtime } from '@nosana/runtime';
import type { Logger } from 'pino';
import type { ChainPort } from './chain-port.js';
import type { StartupChecksParameters } from './checks.js';
import type { NodeEvent } from './events.js';
import type { LogisticsSettings } from './logistics.js';
import type { Backoff, Clock } from './retry.js';
import type { ServiceHealthSettings } from './service-health.js';
import type { ServiceTunnel } from './services.js';
import type { NodeStore } from './store.js';
import type { NodeTrust } from './trust.js';

/** Parameters of `createNode`. */
export interface CreateNodeParameters {
  chain: ChainPort;
  runtime: Runtime;
  engine: ContainerEngine;
  store: NodeStore;
  /** Market address or name. */
  market: string;
  gpus: DetectGpusResult;
  /** Jobs run at once. Default 1. */
  concurrency?: number;
  /** Poll interval when WebSocket notifications are missed. Default 5 s. */
  pollMs?: number;
  /** Largest job definition accepted. Default 1 MiB. */
  maxDefinitionBytes?: number;
  /** Largest result pinned (logs are cut to fit). Default 16 MiB. */
  maxResultBytes?: number;
  /** Attempts to pin a full result before a shortened one replaces it. Default 6. */
  pinAttempts?: number;
  /** Backoff of retried RPC and IPFS calls. Default 0.5 s doubling to 30 s. */
  backoff?: Backoff;
  clock?: Clock;
  logger?: Logger;
  onEvent?: (event: NodeEvent) => void;
  /** The node's gateway tunnel: jobs' services are exposed through it while they run. */
  tunnel?: ServiceTunnel;
  /**
   * Health metering of service jobs: a service that stays unhealthy past `graceMs` (default 60 s; 0 = off) after it
   * came online ends its job early, failed, paid only for the time served. Probes every `intervalMs` (default 5 s).
   */
  serviceHealth?: ServiceHealthSettings;
  /** Sealed secrets, sealed results and signed receipts (with the node's key). Default: none. */
  trust?: NodeTrust;
  /** Start-up check options (disk path and minimums). */
  checks?: Pick<StartupChecksParameters, 'diskPath' | 'minDiskBytes' | 'minLamports'>;
  /**
   * Images pulled before the node joins the queue, besides those the market declares (`required_images`); `false`
   * pulls none, not even the market's. Default: the market's only.
   */
  prePull?: string[] | false;
  /**
   * Keep the images the node pulled or ran under `maxBytes` (the operator's disk limit), evicting the least recently
   * used after each job and after pre-pulling; never an image a running job or the market needs, nor one a container
   * uses, nor one the node did not pull or run. Default: no limit (nothing evicted).
   */
  imageCache?: { maxBytes: number };
  /**
   * Confidential jobs: how long the node waits for a definition and for the owner to collect a result, how long it
   * keeps results, whether `api` endpoints may be private addresses; `authHeader` signs its calls to them.
   */
  logistics?: LogisticsSettings & { authHeader?: (job: string) => string };
}
