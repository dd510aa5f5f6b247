/**
 * How a Job account and its Run account read as a job, with any address type: `PublicKey`s in the client
 * (`views.ts`), base58 text in `@nosana/chain/lite`. RUNNING comes from the Run account; CIDs replace digests.
 */
import {
  bytes32ToCid,
  type CidV0,
  isNullDigest,
  type JobState,
  jobStateFromChain,
  NosanaError,
} from '@nosana/core';
import type { JobAccount, RunAccount } from '../protocol/account-fields.js';
import { SYSTEM_PROGRAM_ADDRESS } from '../protocol/program-addresses.js';
import '../errors.js';

/** A run: the match between a job and a node. */
export interface RunFields<K> {
  address: K;
  job: K;
  node: K;
  payer: K;
  /** Unix seconds the run started. */
  time: number;
}

/** A job as clients see it, with RUNNING derived from its Run account. */
export interface JobFields<K> {
  address: K;
  state: JobState;
  /** CID of the job definition. */
  definition: CidV0;
  /** CID of the result, once posted. */
  result: CidV0 | null;
  market: K;
  /** The node running or that ran it. */
  node: K | null;
  payer: K;
  project: K;
  /** NOS base units per second. */
  price: bigint;
  timeout: number;
  timeStart: number;
  timeEnd: number;
  run: RunFields<K> | null;
}

/**
 * A Run account and its address as {@link RunFields}.
 *
 * @example
 * ```ts
 * const run = runFields(address, decodeRunFields(data, base58At));
 * ```
 */
export const runFields = <K>(address: K, run: RunAccount<K>): RunFields<K> => ({ address, ...run });

/**
 * A Job account (and its run, if any) as {@link JobFields}; `text` gives an address's base58 form.
 *
 * @example
 * ```ts
 * const job = jobFields(address, decodeJobFields(data, base58At), null, (k) => k);
 * ```
 */
export function jobFields<K>(
  address: K,
  job: JobAccount<K>,
  run: RunFields<K> | null,
  text: (key: K) => string,
): JobFields<K> {
  // A job that no node finished keeps the all-zero key, which is the system program's address.
  const unset = text(job.node) === SYSTEM_PROGRAM_ADDRESS;
  return {
    address,
    state: jobStateFromChain(job.state, run !== null),
    definition: bytes32ToCid(job.ipfsJob),
    result: isNullDigest(job.ipfsResult) ? null : bytes32ToCid(job.ipfsResult),
    market: job.market,
    node: run ? run.node : unset ? null : job.node,
    payer: job.payer,
    project: job.project,
    price: job.price,
    timeout: job.timeout,
    timeStart: run ? run.time : job.timeStart,
    timeEnd: job.timeEnd,
    run,
  };
}

/**
 * `CHAIN__JOB_NOT_FOUND` for an address that holds no job.
 *
 * @example
 * ```ts
 * throw jobNotFoundError(address, 'localnet');
 * ```
 */
export const jobNotFoundError = (address: string, network: string): NosanaError =>
  new NosanaError(
    'CHAIN__JOB_NOT_FOUND',
    `no job at ${address} on ${network} (it may have been delisted or cleaned)`,
    { address },
  );
