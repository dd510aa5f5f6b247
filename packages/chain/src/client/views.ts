/** How the client shows Job and Run accounts: RUNNING derived from the Run account, CIDs instead of digests. */
import { bytes32ToCid, type CidV0, isNullDigest, type JobState, jobStateFromChain } from '@nosana/core';
import { PublicKey } from '@solana/web3.js';
import { decodeJobAccount, decodeRunAccount } from '../protocol/accounts.js';
import { OFFSETS } from '../protocol/constants.js';
import { SYSTEM_PROGRAM_ADDRESS } from '../protocol/ids.js';
import { type ClientContext, discriminator, memcmp } from './context.js';

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

/** A Run account as a {@link RunView}. */
export const runView = (address: PublicKey, data: Uint8Array): RunView => ({
  address,
  ...decodeRunAccount(data),
});

/** A Job account (and its run, if any) as a {@link JobView}. */
export const jobView = (address: PublicKey, data: Uint8Array, run: RunView | null): JobView => {
  const job = decodeJobAccount(data);
  const unset = job.node.equals(PublicKey.default) || job.node.toBase58() === SYSTEM_PROGRAM_ADDRESS;
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
};

/** The Run accounts of a job and/or a node (all runs without a filter). */
export const runsOf = async (
  ctx: ClientContext,
  filter: { job?: PublicKey; node?: PublicKey },
): Promise<RunView[]> => {
  const filters = [discriminator('RunAccount')];
  if (filter.job) filters.push(memcmp(OFFSETS.run.job, filter.job.toBytes()));
  if (filter.node) filters.push(memcmp(OFFSETS.run.node, filter.node.toBytes()));
  return (await ctx.programAccounts(ctx.ids.jobs, filters)).map(({ pubkey, account }) =>
    runView(pubkey, account.data),
  );
};
