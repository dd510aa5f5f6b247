import {
  ACCOUNT_DATA_LENGTH,
  ACCOUNT_DISCRIMINATORS,
  decodeJobAccount,
  decodeRunAccount,
  type NosanaProgramIds,
  OFFSETS,
  rpc,
} from '@nosana/chain';
import { jobStateFromChain, ON_CHAIN_JOB_STATE } from '@nosana/core';
import { base58 } from '@scure/base';
import { type Connection, type GetProgramAccountsFilter, PublicKey } from '@solana/web3.js';
import type { ChainJob } from './chain.js';

/**
 * Above this many open jobs, a pass reads every Run account of the Jobs program once instead of one filtered query
 * per job.
 */
const RUN_SCAN_THRESHOLD = 4;

/** Parameters of {@link createChainReads}. */
export interface CreateChainReadsParameters {
  connection: Connection;
  ids: NosanaProgramIds;
}

/** The chain adapter's reads of Job and Run accounts. */
export interface ChainReads {
  /** Several jobs at once (null where there is no account), in a number of requests independent of their number. */
  jobs(addresses: readonly string[]): Promise<Map<string, ChainJob | null>>;
  /** One job, or null when there is no account. */
  job(address: string): Promise<ChainJob | null>;
}

const memcmp = (offset: number, bytes: Uint8Array): GetProgramAccountsFilter => ({
  memcmp: { offset, bytes: base58.encode(bytes) },
});

/**
 * The batched job reads of the chain adapter: Job accounts in chunks of 100 per request, and the Run accounts of
 * the open ones (one filtered query each when few, one scan of all Run accounts when many).
 *
 * @example
 * ```ts
 * const reads = createChainReads({ connection, ids: getProgramIds('mainnet') });
 * const states = await reads.jobs([jobA, jobB]);
 * ```
 */
export function createChainReads({ connection, ids }: CreateChainReadsParameters): ChainReads {
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
  return { jobs, job };
}
