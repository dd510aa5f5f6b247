import {
  type ContentStore,
  getProgramIds,
  type NosanaClient,
  type PriorityFee,
  type ProgramSet,
  putJson,
} from '@nosana/chain';
import type { CidV0, JobDefinition, JobState } from '@nosana/core';
import type { Connection, Keypair } from '@solana/web3.js';
import { createChainReads } from './chain-reads.js';
import { createChainWrites } from './chain-writes.js';

/** What the manager needs to know about a job on chain. */
export interface ChainJob {
  state: JobState;
  /** NOS base units per second. */
  price: bigint;
  timeout: number;
  timeStart: number;
  timeEnd: number;
  /** Market address. */
  market: string;
  project: string;
}

/** Parameters of {@link DeploymentChain.list}. */
export interface ChainListParameters {
  /** The job account's secret key, generated and recorded before sending: the job's address is fixed. */
  jobSecret: Uint8Array;
  runSecret: Uint8Array;
  market: string;
  cid: CidV0;
  timeout: number;
}

/**
 * The chain as the manager uses it. Every write is idempotent by construction: LIST creates the account of a
 * recorded keypair (a second LIST of it cannot succeed), EXTEND sets an absolute timeout, STOP settles whatever
 * state the job is in. {@link createChainAdapter} implements it on a Nosana client; tests use a fake.
 */
export interface DeploymentChain {
  /** The wallet that posts: the jobs' `project` and `payer`. */
  readonly owner: string;
  /** A market by name or address, with its current price. */
  market(ref: string): Promise<{ address: string; price: bigint }>;
  /** NOS base units the wallet holds. */
  balance(): Promise<bigint>;
  /** A job's state, or null when there is no account (never listed, delisted, recovered or cleaned). */
  job(address: string): Promise<ChainJob | null>;
  /**
   * Several jobs at once (null where there is no account), in a number of requests that does not grow with the
   * number of jobs: what a reconciler pass reads.
   */
  jobs(addresses: readonly string[]): Promise<Map<string, ChainJob | null>>;
  /** Lists a job with a given keypair; returns without sending when the job account already exists. */
  list(parameters: ChainListParameters): Promise<void>;
  /** Sets a queued or running job's timeout to `timeout` (absolute); returns when it already is at least that. */
  extend(parameters: { job: string; timeout: number }): Promise<void>;
  /** Delists a queued job, ends a running one, recovers the deposit of one a node quit; no-op when settled. */
  stop(job: string): Promise<void>;
  /** Pins a definition to IPFS. */
  pin(definition: JobDefinition): Promise<CidV0>;
}

/** Parameters of {@link createChainAdapter}. */
export interface CreateChainAdapterParameters {
  client: NosanaClient;
  connection: Connection;
  wallet: Keypair;
  ipfs: ContentStore;
  programs?: ProgramSet;
  priorityFee?: PriorityFee;
}

/**
 * The {@link DeploymentChain} of a real network, on top of a Nosana client: reads through the client, and
 * builds LIST and EXTEND itself so that the job keypair and the absolute timeout are the manager's.
 *
 * @example
 * ```ts
 * const chain = createChainAdapter({ client, connection, wallet, ipfs, programs: 'mainnet' });
 * const manager = createManager({ store, chain });
 * ```
 */
export function createChainAdapter({
  client,
  connection,
  wallet,
  ipfs,
  programs,
  priorityFee,
}: CreateChainAdapterParameters): DeploymentChain {
  const ids = getProgramIds(programs);
  const { job, jobs } = createChainReads({ connection, ids });
  const writes = createChainWrites({
    client,
    connection,
    wallet,
    ids,
    job,
    ...(priorityFee ? { priorityFee } : {}),
  });
  return {
    owner: wallet.publicKey.toBase58(),
    async market(ref) {
      const market = await client.markets.get(ref);
      return { address: market.address.toBase58(), price: market.jobPrice };
    },
    async balance() {
      return (await client.balances(wallet.publicKey)).nos;
    },
    job,
    jobs,
    ...writes,
    pin: (definition) => putJson(ipfs, definition),
  };
}
