/**
 * The Market, Job and Run accounts of the Jobs program, decoded with any address type: `PublicKey` in
 * `accounts.ts` (what the client uses), base58 text in `@nosana/chain/lite` (reads that do not load web3.js). Offsets
 * are those of the real programs (`constants.ts`); `accounts.test.ts` checks them.
 */

import { NosanaError } from '@nosana/core';
import type { PublicKey } from '@solana/web3.js';
import '../errors.js';
import { checkDiscriminator, i64, type KeyAt, u128, view } from './account-bytes.js';
import { ACCOUNT_DATA_LENGTH, OFFSETS } from './constants.js';

/** A market: price, timeouts, access rules and the queue of waiting jobs or nodes. */
export interface MarketAccount<K = PublicKey> {
  authority: K;
  /** Seconds after a job ends before anyone may `clean` it. */
  jobExpiration: number;
  /** NOS base units per second. */
  jobPrice: bigint;
  /** Advisory default timeout in seconds (not enforced by the program). */
  jobTimeout: number;
  jobType: number;
  vault: K;
  vaultBump: number;
  /** Collection a node's access NFT must belong to; the system program id means open to everyone. */
  nodeAccessKey: K;
  /** xNOS a node must have staked to work. */
  nodeXnosMinimum: bigint;
  queueType: number;
  /** Jobs (queueType Job) or nodes (queueType Node) waiting, first in first out. */
  queue: K[];
}

/** A job: its definition and result (IPFS digests), escrow price, owner and timing. */
export interface JobAccount<K = PublicKey> {
  /** sha2-256 digest of the job definition's CIDv0. */
  ipfsJob: Uint8Array;
  /** sha2-256 digest of the result's CIDv0; all zeros until finished. */
  ipfsResult: Uint8Array;
  market: K;
  /** The node that finished or was ended (the running node is only in the Run account). */
  node: K;
  payer: K;
  /** NOS base units per second, copied from the market at list time. */
  price: bigint;
  /** The job owner (signer of `list`). */
  project: K;
  /** 0 queued (or running when a Run account exists), 2 done, 3 stopped. */
  state: number;
  timeEnd: number;
  timeStart: number;
  /** Maximum billable duration in seconds. */
  timeout: number;
}

/** A match between a job and a node; its existence means the job is running. */
export interface RunAccount<K = PublicKey> {
  job: K;
  node: K;
  payer: K;
  state: number;
  /** Unix seconds the run started. */
  time: number;
}

/**
 * Decodes a Market account, reading its addresses with `key`.
 *
 * @example
 * ```ts
 * const market = decodeMarketFields(data, (bytes, at) => base58.encode(bytes.subarray(at, at + 32)));
 * ```
 */
export function decodeMarketFields<K>(data: Uint8Array, key: KeyAt<K>): MarketAccount<K> {
  checkDiscriminator('MarketAccount', data, ACCOUNT_DATA_LENGTH.MarketAccount);
  const v = view(data);
  const o = OFFSETS.market;
  const length = v.getUint32(o.queueLength, true);
  if (o.queue + length * 32 > data.length) {
    throw new NosanaError(
      'CHAIN__ACCOUNT_INVALID',
      `the MarketAccount queue claims ${length} entries, more than the account holds`,
      {
        account: 'MarketAccount',
      },
    );
  }
  return {
    authority: key(data, o.authority),
    jobExpiration: i64(v, o.jobExpiration),
    jobPrice: v.getBigUint64(o.jobPrice, true),
    jobTimeout: i64(v, o.jobTimeout),
    jobType: v.getUint8(o.jobType),
    vault: key(data, o.vault),
    vaultBump: v.getUint8(o.vaultBump),
    nodeAccessKey: key(data, o.nodeAccessKey),
    nodeXnosMinimum: u128(v, o.nodeXnosMinimum),
    queueType: v.getUint8(o.queueType),
    queue: Array.from({ length }, (_, i) => key(data, o.queue + i * 32)),
  };
}

/**
 * Decodes a Job account, reading its addresses with `key`.
 *
 * @example
 * ```ts
 * const job = decodeJobFields(data, base58At); bytes32ToCid(job.ipfsJob);
 * ```
 */
export function decodeJobFields<K>(data: Uint8Array, key: KeyAt<K>): JobAccount<K> {
  checkDiscriminator('JobAccount', data, ACCOUNT_DATA_LENGTH.JobAccount);
  const v = view(data);
  const o = OFFSETS.job;
  return {
    ipfsJob: new Uint8Array(data.subarray(o.ipfsJob, o.ipfsJob + 32)),
    ipfsResult: new Uint8Array(data.subarray(o.ipfsResult, o.ipfsResult + 32)),
    market: key(data, o.market),
    node: key(data, o.node),
    payer: key(data, o.payer),
    price: v.getBigUint64(o.price, true),
    project: key(data, o.project),
    state: v.getUint8(o.state),
    timeEnd: i64(v, o.timeEnd),
    timeStart: i64(v, o.timeStart),
    timeout: i64(v, o.timeout),
  };
}

/**
 * Decodes a Run account, reading its addresses with `key`.
 *
 * @example
 * ```ts
 * const run = decodeRunFields(data, base58At); run.node; // base58 text
 * ```
 */
export function decodeRunFields<K>(data: Uint8Array, key: KeyAt<K>): RunAccount<K> {
  checkDiscriminator('RunAccount', data, ACCOUNT_DATA_LENGTH.RunAccount);
  const v = view(data);
  const o = OFFSETS.run;
  return {
    job: key(data, o.job),
    node: key(data, o.node),
    payer: key(data, o.payer),
    state: v.getUint8(o.state),
    time: i64(v, o.time),
  };
}
