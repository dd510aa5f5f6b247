import {
  bytes32ToCid,
  type CidV0,
  cidToBytes32,
  type FlowState,
  isNullDigest,
  type JobDefinition,
  type JobState,
  jobDeposit,
  jobStateFromChain,
  NosanaError,
} from '@nosana/core';
import { base58 } from '@scure/base';
import {
  AccountLayout,
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferInstruction,
  getAssociatedTokenAddressSync,
} from '@solana/spl-token';
import {
  type Commitment,
  Connection,
  type GetProgramAccountsFilter,
  Keypair,
  PublicKey,
  SystemProgram,
  type TransactionInstruction,
} from '@solana/web3.js';
import { type ContentStore, getJson, putJson } from '../ipfs/content-store.js';
import { fetchFromGateway } from '../ipfs/gateway.js';
import { createKuboStore } from '../ipfs/kubo-store.js';
import {
  ACCOUNT_DISCRIMINATORS,
  ACCOUNT_SPACE,
  decodeJobAccount,
  decodeMarketAccount,
  decodeRunAccount,
  decodeStakeAccount,
  type MarketAccount,
  OFFSETS,
  QueueType,
  type StakeAccount,
} from '../protocol/accounts.js';
import {
  getProgramIds,
  type NosanaProgramIds,
  type ProgramSet,
  SYSTEM_PROGRAM_ADDRESS,
} from '../protocol/ids.js';
import { jobsInstruction, stakingInstruction } from '../protocol/instructions.js';
import {
  marketVaultAddress,
  rewardsReflectionAddress,
  rewardsVaultAddress,
  stakeAddress,
  stakeVaultAddress,
} from '../protocol/pda.js';
import {
  type MarketSettings,
  type OpenMarketParameters,
  type UpdateMarketParameters,
  validateMarketParameters,
} from './market-parameters.js';
import { type NetworkConfig, resolveNetwork } from './networks.js';
import { type PriorityFee, rpc, sendTransaction } from './send.js';
import '../errors.js';

/** Parameters of {@link createNosanaClient}. */
export interface CreateNosanaClientParameters {
  /** `localnet` (default), `devnet` or `mainnet`. */
  network?: string;
  /** A custom RPC endpoint (overrides the network's). */
  rpcUrl?: string;
  wsUrl?: string;
  /** Signs transactions; read-only operations work without one. */
  wallet?: Keypair;
  /** Override the program set of the network. */
  programs?: ProgramSet;
  /** Where definitions and results are pinned and read. Default: the network's Kubo API, else its gateway (read-only). */
  ipfs?: ContentStore;
  priorityFee?: PriorityFee;
  commitment?: Commitment;
  /** Inject a connection (tests, custom transports). */
  connection?: Connection;
}

/** A market as clients see it. */
export interface MarketView extends MarketAccount {
  address: PublicKey;
  /** A short name when the network knows one (localnet: `cpu`, `gpu`). */
  name?: string;
  /** Which side waits in the queue. */
  queueKind: 'jobs' | 'nodes' | 'empty';
}

/** Result of `markets.open`. */
export interface OpenMarketResult {
  /** The new market's address (a fresh keypair; the wallet is its authority). */
  market: PublicKey;
  /** Its NOS escrow vault, the PDA `[market, mint]` of the Jobs program. */
  vault: PublicKey;
  signature: string;
}

/** Result of `markets.update`. */
export interface UpdateMarketResult {
  signature: string;
  /** Every setting the market has now (the ones not given were kept). */
  settings: MarketSettings;
}

/** Parameters of `markets.close`. */
export interface CloseMarketParameters {
  /**
   * Close even when jobs or nodes are queued, jobs are open or the vault holds NOS: the program then sweeps the
   * vault's NOS (the deposits of open jobs included) to the authority's token account, and those jobs can no
   * longer be settled. Default false.
   */
  force?: boolean;
}

/** Result of `markets.close`. */
export interface CloseMarketResult {
  signature: string;
  /** Lamports returned to the authority: the rent of the market and vault accounts. */
  rent: bigint;
  /** NOS base units moved from the vault to the authority's token account (0n unless forced), as read before. */
  swept: bigint;
}

/** A run: the match between a job and a node. */
export interface RunView {
  address: PublicKey;
  job: PublicKey;
  node: PublicKey;
  payer: PublicKey;
  /** Unix seconds the run started. */
  time: number;
}

/** A job as clients see it, with RUNNING derived from its Run account. */
export interface JobView {
  address: PublicKey;
  state: JobState;
  /** CID of the job definition. */
  definition: CidV0;
  /** CID of the result, once posted. */
  result: CidV0 | null;
  market: PublicKey;
  /** The node running or that ran it. */
  node: PublicKey | null;
  payer: PublicKey;
  project: PublicKey;
  /** NOS base units per second. */
  price: bigint;
  timeout: number;
  timeStart: number;
  timeEnd: number;
  run: RunView | null;
}

/** Parameters of `jobs.post`. */
export interface PostJobParameters {
  /** A validated definition (pinned here) or the CID of one already pinned. */
  definition: JobDefinition | { cid: CidV0 };
  market: PublicKey | string;
  /** Seconds: the longest the job may run and be billed. */
  timeout: number;
  /** Target a node waiting in the market queue (`assign`). */
  node?: PublicKey | string;
}

/** Result of `jobs.post`. */
export interface PostJobResult {
  job: PublicKey;
  /** The run, when a waiting node took the job at once. */
  run: PublicKey | null;
  definition: CidV0;
  signature: string;
  /** NOS base units placed in escrow. */
  deposit: bigint;
}

/** Job filters for `jobs.list` (memcmp filters on the program accounts). */
export interface ListJobsParameters {
  market?: PublicKey | string;
  node?: PublicKey | string;
  project?: PublicKey | string;
  state?: JobState;
  limit?: number;
}

const pk = (value: PublicKey | string) => (typeof value === 'string' ? new PublicKey(value) : value);
const memcmp = (offset: number, bytes: Uint8Array): GetProgramAccountsFilter => ({
  memcmp: { offset, bytes: base58.encode(bytes) },
});
const discriminator = (name: keyof typeof ACCOUNT_DISCRIMINATORS) => memcmp(0, ACCOUNT_DISCRIMINATORS[name]);

/** The Nosana client returned by {@link createNosanaClient}. */
export type NosanaClient = ReturnType<typeof createNosanaClient>;

/**
 * A client of the Nosana programs for job posters and hosts.
 *
 * @example
 * ```ts
 * const client = createNosanaClient({ network: 'localnet', wallet: loadWallet().keypair });
 * const { job } = await client.jobs.post({ definition, market: 'cpu', timeout: 600 });
 * const done = await client.jobs.waitFor(job, (j) => j.state === 'COMPLETED');
 * ```
 */
export function createNosanaClient(parameters: CreateNosanaClientParameters = {}) {
  const network: NetworkConfig = resolveNetwork({
    ...(parameters.network ? { network: parameters.network } : {}),
    ...(parameters.rpcUrl ? { rpcUrl: parameters.rpcUrl } : {}),
    ...(parameters.wsUrl ? { wsUrl: parameters.wsUrl } : {}),
  });
  const commitment = parameters.commitment ?? 'confirmed';
  const connection =
    parameters.connection ??
    new Connection(network.rpcUrl, { commitment, ...(network.wsUrl ? { wsEndpoint: network.wsUrl } : {}) });
  const ids: NosanaProgramIds = getProgramIds(parameters.programs ?? network.programs);
  const ipfs: ContentStore =
    parameters.ipfs ??
    (network.ipfs.apiUrl
      ? createKuboStore({ url: network.ipfs.apiUrl })
      : {
          name: `gateway ${network.ipfs.gatewayUrl}`,
          putBytes: () => {
            throw new NosanaError(
              'CHAIN__IPFS_UNREACHABLE',
              `no IPFS pinning service is configured for ${network.name} — configure Kubo or Pinata`,
              {
                url: network.ipfs.gatewayUrl,
              },
            );
          },
          getBytes: (cid, options) => fetchFromGateway({ gateway: network.ipfs.gatewayUrl, cid, ...options }),
        });
  const wallet = () => {
    if (!parameters.wallet)
      throw new NosanaError(
        'CHAIN__WALLET_UNREADABLE',
        'this operation signs a transaction: configure a wallet',
        { path: '' },
      );
    return parameters.wallet;
  };
  const send = (
    instructions: TransactionInstruction[],
    signers: Keypair[] = [],
    alreadyDone?: () => Promise<boolean>,
  ) =>
    sendTransaction({
      connection,
      payer: wallet(),
      signers,
      instructions,
      ...(parameters.priorityFee ? { priorityFee: parameters.priorityFee } : {}),
      ...(alreadyDone ? { alreadyDone } : {}),
    });
  const ata = (owner: PublicKey) => getAssociatedTokenAddressSync(ids.nosMint, owner, true);
  const account = (address: PublicKey) =>
    rpc(connection, () => connection.getAccountInfo(address, commitment));
  const programAccounts = (program: PublicKey, filters: GetProgramAccountsFilter[]) =>
    rpc(connection, () => connection.getProgramAccounts(program, { commitment, filters }));

  // ----------------------------------------------------------------- markets
  let names: Promise<Map<string, string>> | undefined;
  /** Market names the network knows (the localnet publishes them with `localnet_info`). */
  const marketNames = () => {
    names ??= (async () => {
      if (network.name !== 'localnet') return new Map<string, string>();
      const response = await fetch(network.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'localnet_info' }),
      }).catch(() => undefined);
      const info = response?.ok
        ? ((await response.json()) as { result?: { markets?: Array<{ name: string; address: string }> } })
            .result
        : undefined;
      return new Map((info?.markets ?? []).map((m) => [m.name, m.address]));
    })();
    return names;
  };
  const marketView = async (address: PublicKey, data: Uint8Array): Promise<MarketView> => {
    const market = decodeMarketAccount(data);
    const name = [...(await marketNames())].find(([, a]) => a === address.toBase58())?.[0];
    return {
      ...market,
      address,
      ...(name ? { name } : {}),
      queueKind:
        market.queueType === QueueType.Job ? 'jobs' : market.queueType === QueueType.Node ? 'nodes' : 'empty',
    };
  };
  const markets = {
    /** Every market of the Jobs program. */
    async list(): Promise<MarketView[]> {
      const found = await programAccounts(ids.jobs, [discriminator('MarketAccount')]);
      return Promise.all(found.map(({ pubkey, account: info }) => marketView(pubkey, info.data)));
    },
    /** A market by address or name (`cpu`, `gpu` on localnet). */
    async get(market: PublicKey | string): Promise<MarketView> {
      const address = await markets.resolve(market);
      const info = await account(address);
      if (!info?.owner.equals(ids.jobs)) {
        throw new NosanaError(
          'CHAIN__MARKET_NOT_FOUND',
          `no market at ${address.toBase58()} on ${network.name}`,
          { market: address.toBase58() },
        );
      }
      return marketView(address, info.data);
    },
    /** Resolves a market name or address to an address. */
    async resolve(market: PublicKey | string): Promise<PublicKey> {
      if (market instanceof PublicKey) return market;
      const named = (await marketNames()).get(market);
      if (named) return new PublicKey(named);
      try {
        return new PublicKey(market);
      } catch {
        const known = [...(await marketNames()).keys()];
        throw new NosanaError(
          'CHAIN__MARKET_NOT_FOUND',
          `"${market}" is neither a market address nor a known market name${known.length ? ` (known: ${known.join(', ')})` : ''}`,
          { market },
        );
      }
    },

    /**
     * Opens a market with the wallet as its authority: a new market account (a fresh keypair) and its NOS vault,
     * with exactly the settings of the program's `open`. Checks the settings and the SOL for rent and fees first:
     * bad input sends nothing.
     *
     * @example
     * ```ts
     * const { market, vault } = await client.markets.open({ price: 100n, timeout: 3600 }); // 0.0001 NOS/s
     * const gpu = await client.markets.open({ price: 500n, timeout: 7200, jobType: JobType.Gpu, nodeStakeMinimum: 1_000_000n });
     * ```
     */
    async open(parameters: OpenMarketParameters): Promise<OpenMarketResult> {
      const settings = validateMarketParameters('open', parameters);
      const authority = wallet();
      await requireFunds(authority.publicKey, 0n, [ACCOUNT_SPACE.MarketAccount, AccountLayout.span]);
      const market = Keypair.generate();
      const vault = marketVaultAddress(market.publicKey, ids).address;
      const { signature } = await send(
        [
          jobsInstruction(
            'open',
            {
              mint: ids.nosMint,
              market: market.publicKey,
              vault,
              authority: authority.publicKey,
              accessKey: settings.nodeAccessKey,
            },
            {
              jobExpiration: settings.jobExpiration,
              jobPrice: settings.price,
              jobTimeout: settings.timeout,
              jobType: settings.jobType,
              nodeXnosMinimum: settings.nodeStakeMinimum,
            },
            ids.jobs,
          ),
        ],
        [market],
        async () => (await account(market.publicKey)) !== null,
      );
      return { market: market.publicKey, vault, signature };
    },

    /**
     * Changes settings of a market the wallet is the authority of; the settings not given keep their values.
     * Checks the settings, and that the wallet is the market's authority, before sending anything.
     *
     * @example
     * ```ts
     * await client.markets.update(market, { price: 150n, timeout: 1800 });
     * ```
     */
    async update(
      marketRef: PublicKey | string,
      parameters: UpdateMarketParameters,
    ): Promise<UpdateMarketResult> {
      validateMarketParameters('update', parameters);
      const authority = wallet();
      const market = await markets.get(marketRef);
      requireAuthority(market, 'update');
      const settings = validateMarketParameters('update', parameters, market);
      const { signature } = await send(
        [
          jobsInstruction(
            'update',
            { market: market.address, accessKey: settings.nodeAccessKey, authority: authority.publicKey },
            {
              jobExpiration: settings.jobExpiration,
              jobPrice: settings.price,
              jobType: settings.jobType,
              nodeStakeMinimum: settings.nodeStakeMinimum,
              jobTimeout: settings.timeout,
            },
            ids.jobs,
          ),
        ],
        [],
        async () => hasSettings(await markets.get(market.address), settings),
      );
      return { signature, settings };
    },

    /**
     * Closes a market the wallet is the authority of: the market and vault accounts go, their rent returns to the
     * wallet. The program would close a market whatever it holds (sweeping its vault to the authority), so this
     * refuses first, with `CHAIN__MARKET_NOT_EMPTY`, while jobs or nodes are queued, jobs are open (queued,
     * running, or stopped awaiting recovery) or the vault holds NOS — unless `force` is set.
     *
     * @example
     * ```ts
     * const { rent } = await client.markets.close(market); // lamports back
     * ```
     */
    async close(
      marketRef: PublicKey | string,
      { force = false }: CloseMarketParameters = {},
    ): Promise<CloseMarketResult> {
      const authority = wallet();
      const market = await markets.get(marketRef);
      requireAuthority(market, 'close');
      const user = ata(authority.publicKey);
      const [marketInfo, vaultInfo, userInfo, openJobs] = await Promise.all([
        account(market.address),
        account(market.vault),
        account(user),
        openJobsOf(market.address),
      ]);
      const vaultBalance =
        vaultInfo && vaultInfo.data.length >= AccountLayout.span
          ? AccountLayout.decode(vaultInfo.data).amount
          : 0n;
      if (!force && (market.queue.length > 0 || openJobs > 0 || vaultBalance > 0n)) {
        const what = [
          ...(market.queue.length > 0 ? [`${market.queue.length} ${market.queueKind} queued`] : []),
          ...(openJobs > 0 ? [`${openJobs} open job(s) (queued, running or stopped)`] : []),
          ...(vaultBalance > 0n ? [`${vaultBalance} NOS base units in its vault`] : []),
        ];
        throw new NosanaError(
          'CHAIN__MARKET_NOT_EMPTY',
          `markets.close: market ${market.address.toBase58()} is not empty (${what.join(', ')}); the program would sweep its vault to your token account and leave its jobs without a market — wait until its jobs are finished or delisted and its nodes have left, or pass { force: true } (nothing was sent)`,
          {
            market: market.address.toBase58(),
            queueKind: market.queueKind,
            queued: market.queue.length,
            openJobs,
            vault: vaultBalance.toString(),
          },
        );
      }
      await requireFunds(authority.publicKey, 0n, userInfo ? [] : [AccountLayout.span]);
      const { signature } = await send(
        [
          createAssociatedTokenAccountIdempotentInstruction(
            authority.publicKey,
            user,
            authority.publicKey,
            ids.nosMint,
          ),
          jobsInstruction(
            'close',
            { market: market.address, vault: market.vault, user, authority: authority.publicKey },
            {},
            ids.jobs,
          ),
        ],
        [],
        async () => (await account(market.address)) === null,
      );
      return {
        signature,
        rent: BigInt((marketInfo?.lamports ?? 0) + (vaultInfo?.lamports ?? 0)),
        swept: vaultBalance,
      };
    },
  };
  /** Throws `CHAIN__NOT_MARKET_AUTHORITY` unless the wallet is the market's authority (as the program requires). */
  const requireAuthority = (market: MarketView, operation: 'update' | 'close') => {
    const me = wallet().publicKey;
    if (market.authority.equals(me)) return;
    throw new NosanaError(
      'CHAIN__NOT_MARKET_AUTHORITY',
      `markets.${operation}: wallet ${me.toBase58()} is not the authority of market ${market.address.toBase58()} (${market.authority.toBase58()} is) — only its authority may ${operation} it; use that wallet (nothing was sent)`,
      {
        market: market.address.toBase58(),
        authority: market.authority.toBase58(),
        wallet: me.toBase58(),
        operation,
      },
    );
  };
  const hasSettings = (market: MarketAccount, settings: MarketSettings) =>
    market.jobPrice === settings.price &&
    market.jobTimeout === settings.timeout &&
    market.jobExpiration === settings.jobExpiration &&
    market.jobType === settings.jobType &&
    market.nodeAccessKey.equals(settings.nodeAccessKey) &&
    market.nodeXnosMinimum === settings.nodeStakeMinimum;
  /** Jobs of a market whose deposit is still in its vault: on-chain state 0 (queued or running) or 3 (stopped). */
  const openJobsOf = async (market: PublicKey) =>
    (
      await programAccounts(ids.jobs, [
        discriminator('JobAccount'),
        memcmp(OFFSETS.job.market, market.toBytes()),
      ])
    ).filter(({ account: info }) => info.data[OFFSETS.job.state] === 0 || info.data[OFFSETS.job.state] === 3)
      .length;

  // ----------------------------------------------------------------- jobs
  const runView = (address: PublicKey, data: Uint8Array): RunView => ({ address, ...decodeRunAccount(data) });
  const runsOf = async (filter: { job?: PublicKey; node?: PublicKey }): Promise<RunView[]> => {
    const filters = [discriminator('RunAccount')];
    if (filter.job) filters.push(memcmp(OFFSETS.run.job, filter.job.toBytes()));
    if (filter.node) filters.push(memcmp(OFFSETS.run.node, filter.node.toBytes()));
    return (await programAccounts(ids.jobs, filters)).map(({ pubkey, account: info }) =>
      runView(pubkey, info.data),
    );
  };
  const jobView = (address: PublicKey, data: Uint8Array, run: RunView | null): JobView => {
    const job = decodeJobAccount(data);
    const state = jobStateFromChain(job.state, run !== null);
    return {
      address,
      state,
      definition: bytes32ToCid(job.ipfsJob),
      result: isNullDigest(job.ipfsResult) ? null : bytes32ToCid(job.ipfsResult),
      market: job.market,
      node: run
        ? run.node
        : job.node.equals(PublicKey.default) || job.node.toBase58() === SYSTEM_PROGRAM_ADDRESS
          ? null
          : job.node,
      payer: job.payer,
      project: job.project,
      price: job.price,
      timeout: job.timeout,
      timeStart: run ? run.time : job.timeStart,
      timeEnd: job.timeEnd,
      run,
    };
  };

  const jobs = {
    /** A job by address, with RUNNING detected through its Run account. */
    async get(address: PublicKey | string): Promise<JobView> {
      const key = pk(address);
      const [info, runs] = await Promise.all([account(key), runsOf({ job: key })]);
      if (!info?.owner.equals(ids.jobs) || info.data.length < 233) {
        throw new NosanaError(
          'CHAIN__JOB_NOT_FOUND',
          `no job at ${key.toBase58()} on ${network.name} (it may have been delisted or cleaned)`,
          { address: key.toBase58() },
        );
      }
      return jobView(key, info.data, runs[0] ?? null);
    },

    /** Jobs matching filters, newest state first (RUNNING requires one extra query for runs). */
    async list({ market, node, project, state, limit }: ListJobsParameters = {}): Promise<JobView[]> {
      const filters = [discriminator('JobAccount')];
      if (market) filters.push(memcmp(OFFSETS.job.market, (await markets.resolve(market)).toBytes()));
      if (project) filters.push(memcmp(OFFSETS.job.project, pk(project).toBytes()));
      if (node && state !== 'RUNNING') filters.push(memcmp(OFFSETS.job.node, pk(node).toBytes()));
      const byState: Partial<Record<JobState, number>> = { QUEUED: 0, RUNNING: 0, COMPLETED: 2, STOPPED: 3 };
      if (state) filters.push(memcmp(OFFSETS.job.state, Uint8Array.of(byState[state]!)));
      const [found, runs] = await Promise.all([
        programAccounts(ids.jobs, filters),
        runsOf(node && state === 'RUNNING' ? { node: pk(node) } : {}),
      ]);
      const runByJob = new Map(runs.map((r) => [r.job.toBase58(), r]));
      const views = found
        .map(({ pubkey, account: info }) =>
          jobView(pubkey, info.data, runByJob.get(pubkey.toBase58()) ?? null),
        )
        .filter((job) => (state ? job.state === state : true))
        .filter((job) => (node ? job.node?.equals(pk(node)) : true))
        .sort((a, b) => b.timeStart - a.timeStart);
      return limit ? views.slice(0, limit) : views;
    },

    /**
     * Pins a job definition and lists it in a market with its deposit. Checks balances first: nothing is sent
     * (nor pinned) when the wallet cannot pay.
     */
    async post({ definition, market: marketRef, timeout, node }: PostJobParameters): Promise<PostJobResult> {
      const poster = wallet();
      const market = await markets.get(marketRef);
      if (!Number.isSafeInteger(timeout) || timeout <= 0) {
        throw new NosanaError(
          'CORE__INVALID_DURATION',
          `timeout must be a positive number of seconds, got ${timeout}`,
          { input: String(timeout) },
        );
      }
      const { total: deposit } = jobDeposit({ price: market.jobPrice, timeout });
      await requireFunds(poster.publicKey, deposit, [ACCOUNT_SPACE.JobAccount, ACCOUNT_SPACE.RunAccount]);
      const cid = 'cid' in definition ? definition.cid : await putJson(ipfs, definition);
      const job = Keypair.generate();
      const run = Keypair.generate();
      const common = {
        job: job.publicKey,
        market: market.address,
        run: run.publicKey,
        user: ata(poster.publicKey),
        vault: market.vault,
        payer: poster.publicKey,
        rewardsReflection: rewardsReflectionAddress(ids).address,
        rewardsVault: rewardsVaultAddress(ids).address,
        authority: poster.publicKey,
        rewardsProgram: ids.rewards,
      };
      const args = { ipfsJob: cidToBytes32(cid), timeout };
      const instruction = node
        ? jobsInstruction('assign', { ...common, node: pk(node) }, args, ids.jobs)
        : jobsInstruction('list', common, args, ids.jobs);
      const { signature } = await send([instruction], [job, run]);
      const matched = await account(run.publicKey);
      return { job: job.publicKey, run: matched ? run.publicKey : null, definition: cid, signature, deposit };
    },

    /** Stops a job: a queued one is delisted (full refund), a running one ended (node paid for the time used). */
    async stop(address: PublicKey | string): Promise<{ signature: string; action: 'delist' | 'end' }> {
      const owner = wallet();
      const job = await jobs.get(address);
      const market = await markets.get(job.market);
      if (job.state === 'QUEUED') {
        const { signature } = await send([
          jobsInstruction(
            'delist',
            {
              job: job.address,
              market: market.address,
              deposit: ata(job.payer),
              payer: job.payer,
              vault: market.vault,
              authority: owner.publicKey,
            },
            {},
            ids.jobs,
          ),
        ]);
        return { signature, action: 'delist' };
      }
      if (job.state === 'RUNNING' && job.run) {
        const { signature } = await send(
          [
            createAssociatedTokenAccountIdempotentInstruction(
              owner.publicKey,
              ata(job.run.node),
              job.run.node,
              ids.nosMint,
            ),
            jobsInstruction(
              'end',
              {
                job: job.address,
                market: market.address,
                run: job.run.address,
                deposit: ata(job.payer),
                user: ata(job.run.node),
                vault: market.vault,
                payer: job.run.payer,
                authority: owner.publicKey,
              },
              {},
              ids.jobs,
            ),
          ],
          [],
          async () => (await jobs.get(job.address)).state !== 'RUNNING',
        );
        return { signature, action: 'end' };
      }
      throw new NosanaError(
        'CHAIN__JOB_STATE',
        `job ${job.address.toBase58()} is ${job.state}: only queued or running jobs can be stopped`,
        {
          address: job.address.toBase58(),
          state: job.state,
          operation: 'stop',
        },
      );
    },

    /** Raises a job's timeout by `seconds`, depositing the difference. Works while queued or running. */
    async extend(
      address: PublicKey | string,
      seconds: number,
    ): Promise<{ signature: string; timeout: number }> {
      const owner = wallet();
      const job = await jobs.get(address);
      if (job.state !== 'QUEUED' && job.state !== 'RUNNING') {
        throw new NosanaError(
          'CHAIN__JOB_STATE',
          `job ${job.address.toBase58()} is ${job.state}: only queued or running jobs can be extended`,
          { address: job.address.toBase58(), state: job.state, operation: 'extend' },
        );
      }
      const market = await markets.get(job.market);
      await requireFunds(owner.publicKey, job.price * BigInt(seconds), []);
      const timeout = job.timeout + seconds;
      const { signature } = await send([
        jobsInstruction(
          'extend',
          {
            job: job.address,
            market: market.address,
            user: ata(owner.publicKey),
            vault: market.vault,
            rewardsReflection: rewardsReflectionAddress(ids).address,
            rewardsVault: rewardsVaultAddress(ids).address,
            authority: owner.publicKey,
            payer: owner.publicKey,
            rewardsProgram: ids.rewards,
          },
          { timeout },
          ids.jobs,
        ),
      ]);
      return { signature, timeout };
    },

    /** Gets the deposit of a job a node quit (STOPPED) back. */
    async recover(address: PublicKey | string): Promise<{ signature: string }> {
      const owner = wallet();
      const job = await jobs.get(address);
      const market = await markets.get(job.market);
      return send([
        jobsInstruction(
          'recover',
          {
            job: job.address,
            market: market.address,
            vault: market.vault,
            user: ata(owner.publicKey),
            payer: job.payer,
            authority: owner.publicKey,
          },
          {},
          ids.jobs,
        ),
      ]);
    },

    /** Closes a completed job once the market's expiration has passed; the rent goes to its payer. */
    async clean(address: PublicKey | string): Promise<{ signature: string }> {
      const job = await jobs.get(address);
      return send([
        jobsInstruction('clean', { job: job.address, market: job.market, payer: job.payer }, {}, ids.jobs),
      ]);
    },

    /** The job definition, fetched from IPFS and verified against its CID. */
    async definition(address: PublicKey | string): Promise<JobDefinition> {
      const job = await jobs.get(address);
      return getJson<JobDefinition>(ipfs, job.definition);
    },

    /** The result (flow state) a node posted, or null while there is none. */
    async result(address: PublicKey | string): Promise<FlowState | null> {
      const job = await jobs.get(address);
      return job.result ? getJson<FlowState>(ipfs, job.result) : null;
    },

    /**
     * Waits until `until(job)` holds: reacts to account changes (WebSocket) and polls as a fallback.
     *
     * @example
     * ```ts
     * await client.jobs.waitFor(job, (j) => j.state === 'COMPLETED' || j.state === 'STOPPED', { onChange: (j) => console.log(j.state) });
     * ```
     */
    async waitFor(
      address: PublicKey | string,
      until: (job: JobView) => boolean,
      {
        signal,
        pollMs = 2000,
        onChange,
      }: { signal?: AbortSignal; pollMs?: number; onChange?: (job: JobView) => void } = {},
    ): Promise<JobView> {
      const key = pk(address);
      let wake: (() => void) | undefined;
      const subscriptions = [
        connection.onAccountChange(key, () => wake?.(), { commitment }),
        connection.onProgramAccountChange(ids.jobs, () => wake?.(), {
          commitment,
          filters: [discriminator('RunAccount'), memcmp(OFFSETS.run.job, key.toBytes())],
        }),
      ];
      let last: JobState | undefined;
      try {
        while (true) {
          signal?.throwIfAborted();
          const job = await jobs.get(key);
          if (job.state !== last) {
            last = job.state;
            onChange?.(job);
          }
          if (until(job)) return job;
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              signal?.removeEventListener('abort', done);
              resolve();
            };
            const timer = setTimeout(done, pollMs);
            wake = done;
            signal?.addEventListener('abort', done, { once: true });
          });
        }
      } finally {
        void connection.removeAccountChangeListener(subscriptions[0]!).catch(() => undefined);
        void connection.removeProgramAccountChangeListener(subscriptions[1]!).catch(() => undefined);
      }
    },
  };

  // ----------------------------------------------------------------- node side
  const node = {
    /**
     * Creates what a host needs before it can work, as the real node software does: its NOS token account and a
     * stake account (0 NOS for 14 days; `work` requires it to exist). Returns what it created.
     */
    async prepare(): Promise<{ createdStake: boolean; signature?: string }> {
      const host = wallet();
      const stake = stakeAddress(host.publicKey, ids).address;
      if (await account(stake)) return { createdStake: false };
      const { signature } = await send(
        [
          createAssociatedTokenAccountIdempotentInstruction(
            host.publicKey,
            ata(host.publicKey),
            host.publicKey,
            ids.nosMint,
          ),
          stakingInstruction(
            'stake',
            {
              mint: ids.nosMint,
              user: ata(host.publicKey),
              vault: stakeVaultAddress(host.publicKey, ids).address,
              stake,
              authority: host.publicKey,
            },
            { amount: 0, duration: 14 * 86_400 },
            ids.staking,
          ),
        ],
        [],
        async () => (await account(stake)) !== null,
      );
      return { createdStake: true, signature };
    },

    /** Enters the market queue; when jobs are waiting, takes the first one at once. */
    async work(marketRef: PublicKey | string): Promise<{ signature: string; run: RunView | null }> {
      const host = wallet();
      const market = await markets.get(marketRef);
      const run = Keypair.generate();
      const { signature } = await send(
        [
          jobsInstruction(
            'work',
            {
              run: run.publicKey,
              market: market.address,
              payer: host.publicKey,
              stake: stakeAddress(host.publicKey, ids).address,
              nft: ata(host.publicKey),
              metadata: SystemProgram.programId,
              authority: host.publicKey,
            },
            {},
            ids.jobs,
          ),
        ],
        [run],
        async () => (await node.isQueued(market.address)) || (await node.runs()).length > 0,
      );
      const info = await account(run.publicKey);
      return { signature, run: info ? runView(run.publicKey, info.data) : null };
    },

    /** Leaves the market queue. */
    async leave(marketRef: PublicKey | string): Promise<{ signature: string }> {
      const host = wallet();
      const market = await markets.resolve(marketRef);
      return send([
        jobsInstruction('stop', { market, node: host.publicKey, authority: host.publicKey }, {}, ids.jobs),
      ]);
    },

    /** True when this node waits in the market's queue. */
    async isQueued(marketRef: PublicKey | string): Promise<boolean> {
      const market = await markets.get(marketRef);
      return market.queueKind === 'nodes' && market.queue.some((k) => k.equals(wallet().publicKey));
    },

    /** The runs assigned to this node (jobs it must run). */
    runs(): Promise<RunView[]> {
      return runsOf({ node: wallet().publicKey });
    },

    /**
     * Waits for a run of this node: a program subscription on Run accounts with this node, plus polling as a
     * fallback.
     */
    async waitForRun({
      signal,
      pollMs = 5000,
    }: {
      signal?: AbortSignal;
      pollMs?: number;
    } = {}): Promise<RunView> {
      const host = wallet().publicKey;
      let wake: (() => void) | undefined;
      const subscription = connection.onProgramAccountChange(ids.jobs, () => wake?.(), {
        commitment,
        filters: [discriminator('RunAccount'), memcmp(OFFSETS.run.node, host.toBytes())],
      });
      try {
        while (true) {
          signal?.throwIfAborted();
          const runs = await runsOf({ node: host });
          if (runs.length > 0) return runs.sort((a, b) => a.time - b.time)[0]!;
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              signal?.removeEventListener('abort', done);
              resolve();
            };
            const timer = setTimeout(done, pollMs);
            wake = done;
            signal?.addEventListener('abort', done, { once: true });
          });
        }
      } finally {
        void connection.removeProgramAccountChangeListener(subscription).catch(() => undefined);
      }
    },

    /** Posts the result of a run and gets paid `price × min(elapsed, timeout)`; the rest goes back to the poster. */
    async finish({
      run,
      result,
    }: {
      run: RunView;
      result: CidV0;
    }): Promise<{ signature: string; alreadyDone?: boolean }> {
      const host = wallet();
      const job = decodeJobAccount((await account(run.job))!.data);
      const market = await markets.get(job.market);
      return send(
        [
          createAssociatedTokenAccountIdempotentInstruction(
            host.publicKey,
            ata(host.publicKey),
            host.publicKey,
            ids.nosMint,
          ),
          jobsInstruction(
            'finish',
            {
              job: run.job,
              run: run.address,
              market: market.address,
              vault: market.vault,
              deposit: ata(job.payer),
              user: ata(host.publicKey),
              payerRun: run.payer,
              payerJob: job.payer,
              authority: host.publicKey,
            },
            { ipfsResult: cidToBytes32(result) },
            ids.jobs,
          ),
        ],
        [],
        async () => (await account(run.address)) === null,
      );
    },

    /** Posts results for a job its owner ended while it ran. */
    async complete({ job, result }: { job: PublicKey; result: CidV0 }): Promise<{ signature: string }> {
      return send([
        jobsInstruction(
          'complete',
          { job, authority: wallet().publicKey },
          { ipfsResult: cidToBytes32(result) },
          ids.jobs,
        ),
      ]);
    },

    /** Gives a run up without payment: the job becomes STOPPED (recoverable by its owner, claimable by others). */
    async quit(run: RunView): Promise<{ signature: string }> {
      return send(
        [
          jobsInstruction(
            'quit',
            { job: run.job, run: run.address, payer: run.payer, authority: wallet().publicKey },
            {},
            ids.jobs,
          ),
        ],
        [],
        async () => (await account(run.address)) === null,
      );
    },

    /** Takes over a STOPPED job. */
    async claim(jobAddress: PublicKey | string): Promise<{ signature: string; run: RunView }> {
      const host = wallet();
      const job = await jobs.get(jobAddress);
      const run = Keypair.generate();
      const { signature } = await send(
        [
          jobsInstruction(
            'claim',
            {
              job: job.address,
              run: run.publicKey,
              market: job.market,
              stake: stakeAddress(host.publicKey, ids).address,
              nft: ata(host.publicKey),
              metadata: SystemProgram.programId,
              payer: host.publicKey,
              authority: host.publicKey,
            },
            {},
            ids.jobs,
          ),
        ],
        [run],
      );
      return { signature, run: runView(run.publicKey, (await account(run.publicKey))!.data) };
    },
  };

  // ----------------------------------------------------------------- balances, tokens, staking
  const tokenBalance = async (address: PublicKey) => {
    const info = await account(address);
    return info && info.data.length >= AccountLayout.span ? AccountLayout.decode(info.data).amount : 0n;
  };
  const balances = async (address: PublicKey | string = wallet().publicKey) => {
    const key = pk(address);
    const [sol, nos] = await Promise.all([
      rpc(connection, () => connection.getBalance(key, commitment)),
      tokenBalance(ata(key)),
    ]);
    return { sol: BigInt(sol), nos };
  };
  /**
   * Fails with a clear error, before anything is sent, when SOL (fees + the rent of new accounts of `spaces` bytes)
   * or NOS is missing.
   */
  const requireFunds = async (owner: PublicKey, nos: bigint, spaces: number[]) => {
    const { sol, nos: available } = await balances(owner);
    const rents = await Promise.all(
      spaces.map((space) => rpc(connection, () => connection.getMinimumBalanceForRentExemption(space))),
    );
    const rent = rents.reduce((sum, lamports) => sum + BigInt(lamports), 0n);
    const needSol = rent + 50_000n;
    if (sol < needSol) {
      throw new NosanaError(
        'CHAIN__INSUFFICIENT_SOL',
        `${owner.toBase58()} has ${sol} lamports; fees and rent need ${needSol} — fund it with SOL${network.name === 'localnet' ? ' (nosana wallet airdrop)' : ''}`,
        {
          address: owner.toBase58(),
          required: needSol.toString(),
          available: sol.toString(),
        },
      );
    }
    if (available < nos) {
      throw new NosanaError(
        'CHAIN__INSUFFICIENT_NOS',
        `${owner.toBase58()} has ${available} NOS base units; this needs ${nos} — fund it with NOS${network.name === 'localnet' ? ' (nosana wallet airdrop)' : ''}`,
        {
          address: owner.toBase58(),
          required: nos.toString(),
          available: available.toString(),
        },
      );
    }
  };
  const staking = {
    async get(owner: PublicKey | string = wallet().publicKey): Promise<StakeAccount | null> {
      const info = await account(stakeAddress(pk(owner), ids).address);
      return info ? decodeStakeAccount(info.data) : null;
    },
  };
  const tokens = {
    ata,
    /** Sends NOS (base units) to `to`, creating its token account when needed. */
    async transferNos(to: PublicKey | string, amount: bigint): Promise<{ signature: string }> {
      const from = wallet();
      const target = pk(to);
      await requireFunds(from.publicKey, amount, []);
      return send([
        createAssociatedTokenAccountIdempotentInstruction(from.publicKey, ata(target), target, ids.nosMint),
        createTransferInstruction(ata(from.publicKey), ata(target), from.publicKey, amount),
      ]);
    },
  };

  /**
   * Funds an address from the network's faucets: SOL on localnet and devnet (`requestAirdrop`), NOS on localnet
   * (its `localnet_airdropNos` method). Amounts in base units (lamports, NOS × 10⁶).
   */
  const airdrop = async ({
    sol = 0n,
    nos = 0n,
    to = wallet().publicKey,
  }: {
    sol?: bigint;
    nos?: bigint;
    to?: PublicKey | string;
  }): Promise<{ signatures: string[] }> => {
    const target = pk(to);
    const unavailable = (token: 'SOL' | 'NOS') =>
      new NosanaError(
        'CHAIN__AIRDROP_UNAVAILABLE',
        `${network.name} has no ${token} faucet${token === 'NOS' ? ': NOS can be airdropped on localnet only — buy or transfer NOS' : ': SOL can be airdropped on localnet and devnet only'}`,
        { network: network.name, token },
      );
    if (sol > 0n && network.name !== 'localnet' && network.name !== 'devnet') throw unavailable('SOL');
    if (nos > 0n && network.name !== 'localnet') throw unavailable('NOS');
    const signatures: string[] = [];
    if (sol > 0n) {
      const signature = await rpc(connection, () => connection.requestAirdrop(target, Number(sol)));
      await rpc(connection, () => connection.confirmTransaction(signature, commitment));
      signatures.push(signature);
    }
    if (nos > 0n) {
      const response = await rpc(connection, async () => {
        const answer = await fetch(network.rpcUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'localnet_airdropNos',
            params: [target.toBase58(), nos.toString()],
          }),
        });
        return (await answer.json()) as { result?: string; error?: { message: string } };
      });
      if (!response.result)
        throw new Error(`localnet_airdropNos failed: ${response.error?.message ?? 'no result'}`);
      signatures.push(response.result);
    }
    return { signatures };
  };

  /**
   * Closes the client's WebSocket for good. web3.js reconnects forever (rpc-websockets with unlimited retries), even
   * after `close()` when the server is gone, which would keep the process alive: reconnection is turned off first.
   */
  const close = () => {
    const ws = (
      connection as unknown as {
        _rpcWebSocket?: {
          setAutoReconnect?(on: boolean): void;
          reconnect_timer_id?: NodeJS.Timeout;
          close(code?: number): void;
        };
      }
    )._rpcWebSocket;
    if (!ws) return;
    ws.setAutoReconnect?.(false);
    clearTimeout(ws.reconnect_timer_id);
    try {
      ws.close(1000);
    } catch {
      // Not connected: nothing to close.
    }
  };

  /** The wallet's address (throws when the client has no wallet). */
  const address = () => wallet().publicKey;

  return {
    network,
    connection,
    ids,
    ipfs,
    address,
    markets,
    jobs,
    node,
    balances,
    staking,
    tokens,
    airdrop,
    close,
    vault: (market: PublicKey) => marketVaultAddress(market, ids).address,
  };
}
