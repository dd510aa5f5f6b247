/**
 * Settlement: a finished flow's result is pinned and posted on chain (`finish`, or `complete` when the owner ended
 * the job), as its own step with retries and backoff. Each step is persisted in the store first, so a crash or an
 * outage resumes settlement where it stopped and never runs the job's containers again.
 */
import type { RunView } from '@nosana/chain';
import { type CidV0, type FlowState, isNosanaError, NosanaError, settleJob } from '@nosana/core';
import './errors.js';
import type { ChainPort } from './chain-port.js';
import { capResult, MAX_RESULT_BYTES, unpinnableResult } from './result-size.js';
import { type Backoff, type Clock, retry } from './retry.js';
import type { JobRecord, NodeStore } from './store.js';

/** How a settled job ended on chain: paid (`finish`), owner-ended (`complete`) or nothing left to do. */
export type SettlementAction = 'finish' | 'complete' | 'none';

/** Result of {@link settleRecord}. */
export interface SettleRecordResult {
  job: string;
  status: FlowState['status'];
  result: CidV0;
  action: SettlementAction;
  /** NOS base units the node earned with `finish` (0 otherwise). */
  payout: bigint;
  /** True when the full result could not be pinned and a shortened one was posted. */
  replaced: boolean;
}

/** Parameters of {@link settleRecord}. */
export interface SettleRecordParameters {
  chain: ChainPort;
  store: NodeStore;
  clock: Clock;
  backoff?: Backoff;
  /** Attempts to pin the full result before a shortened one replaces it. Default 6. */
  pinAttempts?: number;
  /** Largest result pinned. Default 16 MiB. */
  maxResultBytes?: number;
  /** Aborted when the node stops: retries end and the settlement resumes at the next start. */
  signal?: AbortSignal;
  onWarning?: (message: string) => void;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Settles a job whose flow has ended (`record.phase` is `result-ready` or `result-pinned`): pins the result (cut to
 * the size limit; replaced by a shortened result when it cannot be pinned), then posts it on chain, retrying
 * transient failures with backoff. Removes the record once done.
 *
 * @example
 * ```ts
 * const { action, payout } = await settleRecord(store.get(job)!, { chain, store, clock: systemClock });
 * ```
 */
export async function settleRecord(
  record: JobRecord,
  parameters: SettleRecordParameters,
): Promise<SettleRecordResult> {
  const { store } = parameters;
  let replaced = false;
  let current = record;
  if (current.phase === 'result-ready') {
    const pinned = await pinResult(current, parameters);
    replaced = pinned.replaced;
    current = {
      job: current.job,
      run: current.run,
      market: current.market,
      startedAt: current.startedAt,
      phase: 'result-pinned',
      result: pinned.cid,
      status: current.status ?? current.flow?.status ?? 'failed',
    };
    await store.put(current);
  }
  if (current.phase !== 'result-pinned' || !current.result) {
    throw new NosanaError(
      'NODE__RECORD_INVALID',
      `job ${record.job} is in phase ${record.phase} in the node's state: it has no result to settle — remove the state directory's record or let recovery handle it`,
      { job: record.job, phase: record.phase, operation: 'settle' },
    );
  }
  const result = current.result;
  const { action, payout } = await post(current, result, parameters);
  await store.remove(record.job);
  return { job: record.job, status: current.status ?? 'success', result, action, payout, replaced };
}

async function pinResult(
  record: JobRecord,
  {
    chain,
    clock,
    backoff,
    pinAttempts = 6,
    maxResultBytes = MAX_RESULT_BYTES,
    signal,
    onWarning,
  }: SettleRecordParameters,
): Promise<{ cid: CidV0; replaced: boolean }> {
  const flow: FlowState = record.flow ?? {
    status: record.status ?? 'failed',
    startTime: record.startedAt,
    endTime: record.startedAt,
    errors: [{ message: 'the node lost this result before pinning it' }],
    opStates: [],
  };
  const capped = capResult(flow, maxResultBytes).flow;
  const operation = `pinning the result of job ${record.job}`;
  try {
    const cid = await retry(() => chain.pinJson(capped), {
      operation,
      clock,
      ...(backoff ? { backoff } : {}),
      ...(signal ? { signal } : {}),
      attempts: pinAttempts,
      isFatal: (error) =>
        isNosanaError(error, 'CHAIN__IPFS_TOO_LARGE') || isNosanaError(error, 'NODE__STOPPED'),
      onRetry: (error, attempt, delay) =>
        onWarning?.(`${operation} failed (attempt ${attempt}): ${describe(error)} — retrying in ${delay} ms`),
    });
    return { cid, replaced: false };
  } catch (error) {
    if (isNosanaError(error, 'NODE__STOPPED')) throw error;
    onWarning?.(`${operation} failed for good (${describe(error)}): posting a shortened result instead`);
    const small = unpinnableResult(flow, describe(error));
    const cid = await retry(() => chain.pinJson(small), {
      operation,
      clock,
      ...(backoff ? { backoff } : {}),
      ...(signal ? { signal } : {}),
      onRetry: (e, attempt, delay) =>
        onWarning?.(
          `${operation} (shortened) failed (attempt ${attempt}): ${describe(e)} — retrying in ${delay} ms`,
        ),
    });
    return { cid, replaced: true };
  }
}

/** Two reads of the job disagreed: throws so that `retry` reads it again after a backoff. */
function retryLater(job: string): never {
  throw new NosanaError(
    'NODE__CHAIN_UNSETTLED',
    `two reads of job ${job} disagreed; reading it again before deciding how to settle it`,
    { job },
  );
}

/** Posts the pinned result: each attempt reads the job again, so a change on chain (owner ended it) is followed. */
async function post(
  record: JobRecord,
  result: CidV0,
  { chain, clock, backoff, signal, onWarning }: SettleRecordParameters,
): Promise<{ action: SettlementAction; payout: bigint }> {
  const operation = `posting the result of job ${record.job}`;
  const options = {
    operation,
    clock,
    ...(backoff ? { backoff } : {}),
    ...(signal ? { signal } : {}),
    onRetry: (error: unknown, attempt: number, delay: number) =>
      onWarning?.(`${operation} failed (attempt ${attempt}): ${describe(error)} — retrying in ${delay} ms`),
  };
  const read = () =>
    chain.getJob(record.job).catch((error: unknown) => {
      if (isNosanaError(error, 'CHAIN__JOB_NOT_FOUND')) return null;
      throw error;
    });
  const action = await retry(async (): Promise<SettlementAction> => {
    const job = await read();
    if (!job) return (await read()) === null ? 'none' : retryLater(record.job);
    if (job.run?.address.toBase58() === record.run) {
      await chain.finish(job.run as RunView, result);
      return 'finish';
    }
    const mine = job.node?.toBase58() === chain.address;
    if (mine && job.state === 'COMPLETED' && job.result === null) {
      await chain.complete(record.job, result);
      return 'complete';
    }
    // Posted already (a crash came after `finish` and before the record was removed).
    if (mine && job.result === result) return 'finish';
    // Nothing to post: confirmed by a second read that agrees, since the record is dropped after this.
    const again = await read();
    const same =
      again?.state === job.state &&
      again.run?.address.toBase58() === job.run?.address.toBase58() &&
      again.result === job.result;
    return same ? 'none' : retryLater(record.job);
  }, options);
  if (action !== 'finish') return { action, payout: 0n };
  // The payout is what the program paid: price × time run, counted on the chain's own timestamps.
  const job = await retry(() => chain.getJob(record.job), options).catch(() => null);
  if (!job) return { action, payout: 0n };
  const { payout } = settleJob({
    price: job.price,
    timeout: job.timeout,
    timeStart: job.timeStart,
    timeEnd: job.timeEnd,
  });
  return { action, payout };
}
