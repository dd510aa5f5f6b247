/**
 * Everything the node asks of the chain and of IPFS, behind one narrow interface: the daemon, its recovery and its
 * settlement depend on {@link ChainPort} only, so unit tests drive them with a fake and the adapter over the chain
 * client is the one place that knows how the client does it.
 */
import {
  ACCOUNT_DISCRIMINATORS,
  getJson,
  type JobView,
  type MarketView,
  type NosanaClient,
  OFFSETS,
  putJson,
  type RunView,
  type StakeAccount,
} from '@nosana/chain';
import type { CidV0 } from '@nosana/core';
import { base58 } from '@scure/base';
import { PublicKey } from '@solana/web3.js';

/** What the node needs from the chain (Solana programs) and from IPFS. */
export interface ChainPort {
  /** The host wallet's address. */
  readonly address: string;
  /** The network's name (`localnet`, `devnet`, `mainnet`, …), for messages. */
  readonly network: string;
  /** Unix seconds on the cluster's clock (job deadlines are counted on it). */
  chainTime(): Promise<number>;
  /** A job with its current run; throws `CHAIN__JOB_NOT_FOUND` when the account is gone. */
  getJob(job: string): Promise<JobView>;
  /** Calls `onChange` when the job's account changes; returns the unsubscribe function. */
  watchJob(job: string, onChange: () => void): () => void;
  /** Calls `onChange` when a run may have been assigned to this node; returns the unsubscribe function. */
  watchRuns(onChange: () => void): () => void;
  /** The runs assigned to this node. */
  runs(): Promise<RunView[]>;
  getMarket(market: string): Promise<MarketView>;
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

/**
 * The chain port over a {@link NosanaClient}.
 *
 * @example
 * ```ts
 * const chain = createChainPort(createNosanaClient({ network: 'localnet', wallet }));
 * const runs = await chain.runs();
 * ```
 */
export function createChainPort(client: NosanaClient): ChainPort {
  const { connection } = client;
  const me = client.address();
  return {
    address: me.toBase58(),
    network: client.network.name,
    async chainTime() {
      const slot = await connection.getSlot();
      const time = await connection.getBlockTime(slot);
      if (time === null) return Math.floor(Date.now() / 1000);
      return time;
    },
    getJob: (job) => client.jobs.get(job),
    watchJob(job, onChange) {
      const id = connection.onAccountChange(new PublicKey(job), () => onChange(), {
        commitment: 'confirmed',
      });
      return () => void connection.removeAccountChangeListener(id).catch(() => undefined);
    },
    watchRuns(onChange) {
      const id = connection.onProgramAccountChange(client.ids.jobs, () => onChange(), {
        commitment: 'confirmed',
        filters: [
          { memcmp: { offset: 0, bytes: base58.encode(ACCOUNT_DISCRIMINATORS.RunAccount) } },
          { memcmp: { offset: OFFSETS.run.node, bytes: me.toBase58() } },
        ],
      });
      return () => void connection.removeProgramAccountChangeListener(id).catch(() => undefined);
    },
    runs: () => client.node.runs(),
    getMarket: (market) => client.markets.get(market),
    async queuedMarkets() {
      const markets = await client.markets.list();
      return markets
        .filter((m) => m.queueKind === 'nodes' && m.queue.some((k) => k.equals(me)))
        .map((m) => m.address.toBase58());
    },
    isQueued: (market) => client.node.isQueued(market),
    work: (market) => client.node.work(market),
    async leave(market) {
      await client.node.leave(market);
    },
    async finish(run, result) {
      await client.node.finish({ run, result });
    },
    async complete(job, result) {
      await client.node.complete({ job: new PublicKey(job), result });
    },
    async quit(run) {
      await client.node.quit(run);
    },
    balances: () => client.balances(),
    prepare: () => client.node.prepare(),
    stake: () => client.staking.get(),
    pinJson: (value) => putJson(client.ipfs, value),
    readJson: (cid, maxBytes) => getJson(client.ipfs, cid, { maxBytes }),
  };
}
