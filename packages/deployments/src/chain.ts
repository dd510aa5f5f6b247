import {
  type ContentStore,
  getProgramIds,
  jobsInstruction,
  type NosanaClient,
  type PriorityFee,
  type ProgramSet,
  putJson,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  sendTransaction,
} from '@nosana/chain';
import {
  type CidV0,
  cidToBytes32,
  isNosanaError,
  type JobDefinition,
  type JobState,
  NosanaError,
} from '@nosana/core';
import { getAssociatedTokenAddressSync } from '@solana/spl-token';
import { type Connection, Keypair, PublicKey } from '@solana/web3.js';

/** A program rejected the transaction (`CHAIN__PROGRAM_…` codes). */
const isProgramError = (error: unknown) =>
  error instanceof NosanaError && String(error.code).startsWith('CHAIN__PROGRAM_');

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
  const ata = (owner: PublicKey) => getAssociatedTokenAddressSync(ids.nosMint, owner, true);
  const send = (
    instructions: Parameters<typeof sendTransaction>[0]['instructions'],
    signers: Keypair[],
    alreadyDone: () => Promise<boolean>,
  ) =>
    sendTransaction({
      connection,
      payer: wallet,
      signers,
      instructions,
      alreadyDone,
      ...(priorityFee ? { priorityFee } : {}),
    });
  const job = async (address: string): Promise<ChainJob | null> => {
    try {
      const view = await client.jobs.get(address);
      return {
        state: view.state,
        price: view.price,
        timeout: view.timeout,
        timeStart: view.timeStart,
        timeEnd: view.timeEnd,
        market: view.market.toBase58(),
        project: view.project.toBase58(),
      };
    } catch (error) {
      if (isNosanaError(error, 'CHAIN__JOB_NOT_FOUND')) return null;
      throw error;
    }
  };
  const common = (market: { address: PublicKey; vault: PublicKey }) => ({
    market: market.address,
    vault: market.vault,
    payer: wallet.publicKey,
    authority: wallet.publicKey,
    rewardsReflection: rewardsReflectionAddress(ids).address,
    rewardsVault: rewardsVaultAddress(ids).address,
    rewardsProgram: ids.rewards,
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
    async list({ jobSecret, runSecret, market: marketRef, cid, timeout }) {
      const jobKey = Keypair.fromSecretKey(jobSecret);
      const run = Keypair.fromSecretKey(runSecret);
      const exists = async () => (await connection.getAccountInfo(jobKey.publicKey)) !== null;
      if (await exists()) return;
      const market = await client.markets.get(marketRef);
      const instruction = jobsInstruction(
        'list',
        { ...common(market), job: jobKey.publicKey, run: run.publicKey, user: ata(wallet.publicKey) },
        { ipfsJob: cidToBytes32(cid), timeout },
        ids.jobs,
      );
      try {
        await send([instruction], [jobKey, run], exists);
      } catch (error) {
        // A copy sent before a crash landed first: the account exists, the LIST happened once.
        if (isProgramError(error) && (await exists())) return;
        throw error;
      }
    },
    async extend({ job: address, timeout }) {
      const current = await job(address);
      if (
        !current ||
        current.timeout >= timeout ||
        (current.state !== 'QUEUED' && current.state !== 'RUNNING')
      )
        return;
      const market = await client.markets.get(current.market);
      const instruction = jobsInstruction(
        'extend',
        { ...common(market), job: new PublicKey(address), user: ata(wallet.publicKey) },
        { timeout },
        ids.jobs,
      );
      const reached = async () => ((await job(address))?.timeout ?? timeout) >= timeout;
      try {
        await send([instruction], [], reached);
      } catch (error) {
        if (isProgramError(error) && (await reached())) return;
        throw error;
      }
    },
    async stop(address) {
      const current = await job(address);
      if (!current) return;
      try {
        if (current.state === 'QUEUED' || current.state === 'RUNNING') await client.jobs.stop(address);
        else if (current.state === 'STOPPED') await client.jobs.recover(address);
      } catch (error) {
        const now = await job(address);
        if (!now || now.state === 'COMPLETED') return;
        throw error;
      }
    },
    pin: (definition) => putJson(ipfs, definition),
  };
}
