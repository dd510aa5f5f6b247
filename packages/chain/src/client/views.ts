/** How the client shows Job and Run accounts: RUNNING derived from the Run account, CIDs instead of digests. */
import type { PublicKey } from '@solana/web3.js';
import { decodeJobAccount, decodeRunAccount } from '../protocol/accounts.js';
import { OFFSETS } from '../protocol/constants.js';
import { type ClientContext, discriminator, memcmp } from './context.js';
import { type JobFields, jobFields, type RunFields, runFields } from './job-fields.js';

/** A run: the match between a job and a node. */
export type RunView = RunFields<PublicKey>;

/** A job as clients see it, with RUNNING derived from its Run account. */
export type JobView = JobFields<PublicKey>;

/** A Run account as a {@link RunView}. */
export const runView = (address: PublicKey, data: Uint8Array): RunView =>
  runFields(address, decodeRunAccount(data));

/** A Job account (and its run, if any) as a {@link JobView}. */
export const jobView = (address: PublicKey, data: Uint8Array, run: RunView | null): JobView =>
  jobFields(address, decodeJobAccount(data), run, (key) => key.toBase58());

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
