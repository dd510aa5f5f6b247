/** A job read without web3.js: its Job account and Run account, as the client's `jobs.get` reads them. */
import { base58 } from '@scure/base';
import { type JobFields, jobFields, jobNotFoundError, runFields } from '../client/job-fields.js';
import { decodeJobFields, decodeRunFields } from '../protocol/account-fields.js';
import { ACCOUNT_DATA_LENGTH, OFFSETS } from '../protocol/constants.js';
import { PROGRAM_ADDRESSES, type ProgramSet } from '../protocol/program-addresses.js';
import { base58At, type LiteRpc, readAccount, readProgramAccounts } from './accounts.js';

/** A job with base58 addresses (the client's `JobView` with text for keys). */
export type LiteJob = JobFields<string>;

/** Parameters of {@link getJobLite}. */
export interface GetJobLiteParameters extends LiteRpc {
  programs: ProgramSet;
  /** The network's name, for messages. */
  network: string;
  /** The job's address. */
  job: string;
}

/**
 * A job by address, RUNNING detected through its Run account. Throws `CHAIN__JOB_NOT_FOUND` when the address holds
 * no job.
 *
 * @example
 * ```ts
 * const job = await getJobLite({ rpcUrl, programs: 'mainnet', network: 'localnet', job: address });
 * job.state; // 'QUEUED'
 * ```
 */
export async function getJobLite({ programs, network, job, ...rpc }: GetJobLiteParameters): Promise<LiteJob> {
  let key: Uint8Array;
  try {
    key = base58.decode(job);
  } catch {
    throw jobNotFoundError(job, network);
  }
  if (key.length !== 32) throw jobNotFoundError(job, network);
  const jobs = PROGRAM_ADDRESSES[programs].jobs;
  const [account, runs] = await Promise.all([
    readAccount(rpc, job),
    readProgramAccounts(rpc, jobs, 'RunAccount', [{ offset: OFFSETS.run.job, bytes: key }]),
  ]);
  if (!account || account.owner !== jobs || account.data.length < ACCOUNT_DATA_LENGTH.JobAccount)
    throw jobNotFoundError(job, network);
  const run = runs[0] ? runFields(runs[0].address, decodeRunFields(runs[0].data, base58At)) : null;
  return jobFields(job, decodeJobFields(account.data, base58At), run, (k) => k);
}
