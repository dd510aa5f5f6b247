/**
 * Everything the node asks of the chain and of IPFS, behind one narrow interface: the daemon, its recovery and its
 * settlement depend on {@link ChainPort} only, so unit tests drive them with a fake and the adapter over the chain
 * client is the one place that knows how the client does it.
 */
import {
  callLocalnetRpc,
  getJson,
  type JobView,
  type MarketView,
  type NosanaClient,
  putJson,
  type RunView,
  type StakeAccount,
} from '@nosana/chain';
import type { CidV0 } from '@nosana/core';
import { PublicKey } from '@solana/web3.js';

/** What the node needs from the chain (Solana programs) and from IPFS. */
export interface ChainPort {
  /** The host wallet's address. */
  readonly address: string;
  /** The network's name (`localnet`, `devnet`, `mainnet`, …), for messages. */
  readonly network: string;
  /** Unix seconds on the cluster's clock (job deadlines are counted on it). */
  chainTime(): Promise<number>;
  /**
   * A job with its current run; throws `CHAIN__JOB_NOT_FOUND` when the account is gone. Given `run` (a Run account
   * of the job this node knows), only that run is read, in the same call as the job (no scan of the job's runs):
   * the view's run is null once it is no longer the job's.
   */
  getJob(job: string, run?: string): Promise<JobView>;
  /** Calls `onChange` when the job's account changes; returns the unsubscribe function. */
  watchJob(job: string, onChange: () => void): () => void;
  /** Calls `onChange` when a run may have been assigned to this node; returns the unsubscribe function. */
  watchRuns(onChange: () => void): () => void;
  /** The runs assigned to this node. */
  runs(): Promise<RunView[]>;
  getMarket(market: string): Promise<MarketView>;
  /**
   * The images a market declares for its hosts: on the localnet its `requiredImages` from `localnet_info`;
   * elsewhere the real markets' `required_images`, from the market directory given (none without one).
   */
  requiredImages(market: string): Promise<string[]>;
  /** Addresses of the markets whose queue holds this node. */
  queuedMarkets(): Promise<string[]>;
  isQueued(market: string): Promise<boolean>;
  /** Enters the market's queue; returns the run when a waiting job was matched at once. */
  work(market: string): Promise<{ run: RunView | null }>;
  leave(market: string): Promise<void>;
  /** Posts the result of a run and is paid. */
  finish(run: RunView, result: CidV0): Promise<void>;
  /** Posts the result of a job its owner ended while it ran. */
  complete(job: string, result: CidV0): Promise<void>;
  /** Gives a run back without payment. */
  quit(run: RunView): Promise<void>;
  /** SOL (lamports) and NOS (base units) of the host wallet. */
  balances(): Promise<{ sol: bigint; nos: bigint }>;
  /** Creates the stake account when missing. */
  prepare(): Promise<{ createdStake: boolean }>;
  stake(): Promise<StakeAccount | null>;
  /** Pins a JSON document; returns its CID. */
  pinJson(value: unknown): Promise<CidV0>;
  /** Reads a JSON document, refusing more than `maxBytes`. */
  readJson<T>(cid: CidV0, maxBytes: number): Promise<T>;
}

/** Options of {@link createChainPort}. */
export interface CreateChainPortOptions {
  /**
   * The images markets declare, by address or name, off the localnet (which publishes its own): a market
   * directory's `required_images`.
   */
  marketImages?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The chain port over a {@link NosanaClient}.
 *
 * @example
 * ```ts
 * const chain = createChainPort(createNosanaClient({ network: 'localnet', wallet }));
 * const runs = await chain.runs();
 * ```
 */
export function createChainPort(
  client: NosanaClient,
  { marketImages }: CreateChainPortOptions = {},
): ChainPort {
  const me = client.address();
  return {
    address: me.toBase58(),
    network: client.network.name,
    chainTime: () => client.chainTime(),
    getJob: (job, run) => client.jobs.get(job, run === undefined ? {} : { run }),
    watchJob: (job, onChange) => client.jobs.subscribe(job, () => onChange()),
    watchRuns: (onChange) => client.host.subscribeRuns(onChange),
    runs: () => client.host.runs(),
    getMarket: (market) => client.markets.get(market),
    async requiredImages(market) {
      if (client.network.name !== 'localnet') return [...(marketImages?.get(market) ?? [])];
      const info = await callLocalnetRpc(client.network.rpcUrl, 'localnet_info', []);
      return info.markets.find((m) => m.address === market || m.name === market)?.requiredImages ?? [];
    },
    async queuedMarkets() {
      const markets = await client.markets.list();
      return markets
        .filter((m) => m.queueKind === 'nodes' && m.queue.some((k) => k.equals(me)))
        .map((m) => m.address.toBase58());
    },
    isQueued: (market) => client.host.isQueued(market),
    work: (market) => client.host.work(market),
    async leave(market) {
      await client.host.leave(market);
    },
    async finish(run, result) {
      await client.host.finish({ run, result });
    },
    async complete(job, result) {
      await client.host.complete({ job: new PublicKey(job), result });
    },
    async quit(run) {
      await client.host.quit(run);
    },
    balances: () => client.balances(),
    prepare: () => client.host.prepare(),
    stake: () => client.staking.get(),
    pinJson: (value) => putJson(client.ipfs, value),
    readJson: (cid, maxBytes) => getJson(client.ipfs, cid, { maxBytes }),
  };
}
