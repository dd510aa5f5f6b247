/**
 * Pure conversions from decoded Jobs program accounts to the rows the indexer stores, and the derived facts a
 * dashboard needs (status, cost, payout). No I/O.
 */
import { decodeJobAccount, decodeMarketAccount, decodeRunAccount, isAccountOf } from '@nosana/chain';
import { bytes32ToCid } from '@nosana/core';

/** The status of an indexed job: the client-visible state, or DELISTED once a queued job's account is closed. */
export type IndexedJobStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'STOPPED' | 'DELISTED';

/** A Job account as a row (addresses base58, amounts as decimal strings). */
export interface JobRow {
  address: string;
  market: string;
  project: string;
  payer: string;
  /** The node that finished or ended the job (empty until then; the running node comes from the Run account). */
  node: string | null;
  /** On-chain state byte (0 queued, 2 done, 3 stopped). */
  state: number;
  price: string;
  timeout: number;
  timeStart: number;
  timeEnd: number;
  definition: string;
  result: string | null;
}

/** A Run account as a row. */
export interface RunRow {
  address: string;
  job: string;
  node: string;
  time: number;
}

/** A Market account as a row. */
export interface MarketRow {
  address: string;
  authority: string;
  jobPrice: string;
  jobTimeout: number;
  jobExpiration: number;
  jobType: number;
  nodeAccessKey: string;
  nodeXnosMinimum: string;
  queueType: number;
  queue: string[];
}

/** A decoded account of the Jobs program, tagged by kind; `other` for accounts the indexer does not track. */
export type DecodedAccount =
  | { kind: 'job'; row: JobRow }
  | { kind: 'run'; row: RunRow }
  | { kind: 'market'; row: MarketRow }
  | { kind: 'other'; address: string };

const ZERO_KEY = '11111111111111111111111111111111';

/**
 * Decodes an account of the Jobs program with `@nosana/chain`'s codecs into a row.
 *
 * @example
 * ```ts
 * const decoded = decodeProgramAccount(pubkey, Buffer.from(data, 'base64'));
 * if (decoded.kind === 'job') store.putJob(decoded.row, slot);
 * ```
 */
export function decodeProgramAccount(address: string, data: Uint8Array): DecodedAccount {
  if (isAccountOf('JobAccount', data)) {
    const job = decodeJobAccount(data);
    const node = job.node.toBase58();
    const result = job.ipfsResult.some((b) => b !== 0) ? bytes32ToCid(job.ipfsResult) : null;
    return {
      kind: 'job',
      row: {
        address,
        market: job.market.toBase58(),
        project: job.project.toBase58(),
        payer: job.payer.toBase58(),
        node: node === ZERO_KEY ? null : node,
        state: job.state,
        price: job.price.toString(),
        timeout: job.timeout,
        timeStart: job.timeStart,
        timeEnd: job.timeEnd,
        definition: bytes32ToCid(job.ipfsJob),
        result,
      },
    };
  }
  if (isAccountOf('RunAccount', data)) {
    const run = decodeRunAccount(data);
    return {
      kind: 'run',
      row: { address, job: run.job.toBase58(), node: run.node.toBase58(), time: run.time },
    };
  }
  if (isAccountOf('MarketAccount', data)) {
    const market = decodeMarketAccount(data);
    return {
      kind: 'market',
      row: {
        address,
        authority: market.authority.toBase58(),
        jobPrice: market.jobPrice.toString(),
        jobTimeout: market.jobTimeout,
        jobExpiration: market.jobExpiration,
        jobType: market.jobType,
        nodeAccessKey: market.nodeAccessKey.toBase58(),
        nodeXnosMinimum: market.nodeXnosMinimum.toString(),
        queueType: market.queueType,
        queue: market.queue.map((k) => k.toBase58()),
      },
    };
  }
  return { kind: 'other', address };
}

/**
 * The status of a job from its state byte, whether a live Run account exists, and whether its account is closed.
 *
 * @example
 * ```ts
 * jobStatus(0, true, false); // 'RUNNING'
 * ```
 */
export function jobStatus(state: number, running: boolean, closed: boolean): IndexedJobStatus {
  if (state === 2) return 'COMPLETED';
  if (running) return 'RUNNING';
  if (state === 3) return 'STOPPED';
  return closed ? 'DELISTED' : 'QUEUED';
}

/**
 * What a finished job cost its poster and paid its node: price × min(elapsed, timeout), as the program bills.
 *
 * @example
 * ```ts
 * jobCost({ price: '100', timeout: 600, timeStart: 10, timeEnd: 52 }); // 4200n
 * ```
 */
export function jobCost(job: Pick<JobRow, 'price' | 'timeout' | 'timeStart' | 'timeEnd'>): bigint {
  if (job.timeEnd <= 0 || job.timeStart <= 0) return 0n;
  const elapsed = Math.max(0, Math.min(job.timeEnd - job.timeStart, job.timeout));
  return BigInt(job.price) * BigInt(elapsed);
}

/** The median of a list of numbers (null when empty). */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
