import {
  ACCOUNT_DATA_LENGTH,
  ACCOUNT_DISCRIMINATORS,
  type ContentStore,
  decodeJobAccount,
  decodeRunAccount,
  getProgramIds,
  jobsInstruction,
  type NosanaClient,
  OFFSETS,
  type PriorityFee,
  type ProgramSet,
  putJson,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  rpc,
  sendTransaction,
} from '@nosana/chain';
import {
  type CidV0,
  cidToBytes32,
  type JobDefinition,
  type JobState,
  jobStateFromChain,
  NosanaError,
  ON_CHAIN_JOB_STATE,
} from '@nosana/core';
import { base58 } from '@scure/base';
import { getAssociatedTokenAddressSync } from '@solana/spl-token';
import { type Connection, type GetProgramAccountsFilter, Keypair, PublicKey } from '@solana/web3.js';

/**
 * Above this many open jobs, a pass reads every Run account of the Jobs program once instead of one filtered query
 * per job.
 */
const RUN_SCAN_THRESHOLD = 4;

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
  const memcmp = (offset: number, bytes: Uint8Array): GetProgramAccountsFilter => ({
    memcmp: { offset, bytes: base58.encode(bytes) },
  });
  const runFilter = memcmp(0, ACCOUNT_DISCRIMINATORS.RunAccount);
  /** When each of `open` started running (the time of its Run account); absent: no run. */
  const runsOf = async (open: PublicKey[]): Promise<Map<string, number>> => {
    const started = new Map<string, number>();
    const add = (accounts: ReadonlyArray<{ account: { data: Buffer } }>) => {
      for (const { account } of accounts) {
        const run = decodeRunAccount(account.data);
        started.set(run.job.toBase58(), run.time);
      }
    };
    if (open.length === 0) return started;
    if (open.length <= RUN_SCAN_THRESHOLD) {
      // Few jobs: one filtered query each reads less than every Run account of the network.
      const found = await Promise.all(
        open.map((key) =>
          rpc(connection, () =>
            connection.getProgramAccounts(ids.jobs, {
              filters: [runFilter, memcmp(OFFSETS.run.job, key.toBytes())],
            }),
          ),
        ),
      );
      for (const accounts of found) add(accounts);
      return started;
    }
    const wanted = new Set(open.map((key) => key.toBase58()));
    const all = await rpc(connection, () =>
      connection.getProgramAccounts(ids.jobs, { filters: [runFilter] }),
    );
    add(all.filter(({ account }) => wanted.has(decodeRunAccount(account.data).job.toBase58())));
    return started;
  };
  const jobs = async (addresses: readonly string[]): Promise<Map<string, ChainJob | null>> => {
    const keys = addresses.map((address) => new PublicKey(address));
    const chunks: PublicKey[][] = [];
    for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
    const infos = (
      await Promise.all(
        chunks.map((chunk) => rpc(connection, () => connection.getMultipleAccountsInfo(chunk))),
      )
    ).flat();
    const accounts = new Map<string, ReturnType<typeof decodeJobAccount>>();
    infos.forEach((info, i) => {
      if (info?.owner.equals(ids.jobs) && info.data.length >= ACCOUNT_DATA_LENGTH.JobAccount)
        accounts.set(addresses[i]!, decodeJobAccount(info.data));
    });
    // Done jobs have no run; queued ones (and claimed ones, which keep the Stopped byte) may have one.
    const open = [...accounts]
      .filter(([, account]) => account.state !== ON_CHAIN_JOB_STATE.DONE)
      .map(([address]) => new PublicKey(address));
    const started = await runsOf(open);
    const result = new Map<string, ChainJob | null>();
    for (const address of addresses) {
      const account = accounts.get(address);
      if (!account) {
        result.set(address, null);
        continue;
      }
      const runTime = started.get(address);
      result.set(address, {
        state: jobStateFromChain(account.state, runTime !== undefined),
        price: account.price,
        timeout: account.timeout,
        timeStart: runTime ?? account.timeStart,
        timeEnd: account.timeEnd,
        market: account.market.toBase58(),
        project: account.project.toBase58(),
      });
    }
    return result;
  };
  const job = async (address: string): Promise<ChainJob | null> =>
    (await jobs([address])).get(address) ?? null;
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
    jobs,
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
