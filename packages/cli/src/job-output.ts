/**
 * How a job is shown: its `--json` form and its human lines, and a result's summary. A job may come from the client
 * (`PublicKey` addresses) or from `@nosana/chain/lite` (base58 text): the start-up fast path shows `job get` with
 * exactly these functions, so both paths print the same.
 */
import type { FlowState, JobState } from '@nosana/core';
import { formatNos, settleJob } from '@nosana/core';
import { type Colorize, formatSeconds, renderDetails, renderState } from './format.js';
import type { AddressLike } from './market-output.js';

/** A job in `--json` output (amounts in NOS base units, times in Unix seconds). */
export interface JobSummary {
  address: string;
  state: JobState;
  market: string;
  node: string | null;
  poster: string;
  definition: string;
  result: string | null;
  price: string;
  timeout: number;
  timeStart: number;
  timeEnd: number;
  run: string | null;
}

/** The fields of a job these functions read (the client's `JobView` and a `LiteJob` both have them). */
export interface ShownJob {
  address: AddressLike;
  state: JobState;
  market: AddressLike;
  node: AddressLike | null;
  project: AddressLike;
  definition: string;
  result: string | null;
  price: bigint;
  timeout: number;
  timeStart: number;
  timeEnd: number;
  run: { address: AddressLike } | null;
}

const text = (address: AddressLike) => (typeof address === 'string' ? address : address.toBase58());

/**
 * The JSON form of a job.
 *
 * @example
 * ```ts
 * summarizeJob(await client.jobs.get(address)).state; // 'QUEUED'
 * ```
 */
export function summarizeJob(job: ShownJob): JobSummary {
  return {
    address: text(job.address),
    state: job.state,
    market: text(job.market),
    node: job.node ? text(job.node) : null,
    poster: text(job.project),
    definition: job.definition,
    result: job.result,
    price: job.price.toString(),
    timeout: job.timeout,
    timeStart: job.timeStart,
    timeEnd: job.timeEnd,
    run: job.run ? text(job.run.address) : null,
  };
}

/**
 * Human lines about a job: state, market, node, price, time run, cost once ended, CIDs, explorer link.
 *
 * @example
 * ```ts
 * console.log(describeJobText(job, 'https://explore.nosana.com', ux.colorize));
 * ```
 */
export function describeJobText(job: ShownJob, explorer: string | undefined, colorize: Colorize): string {
  const ran =
    job.timeStart > 0
      ? job.timeEnd > 0
        ? job.timeEnd - job.timeStart
        : Math.floor(Date.now() / 1000) - job.timeStart
      : 0;
  const cost =
    job.state === 'COMPLETED' || job.state === 'STOPPED'
      ? `${formatNos(settleJob({ price: job.price, timeout: job.timeout, timeStart: job.timeStart, timeEnd: Math.max(job.timeEnd, job.timeStart) }).payout)} NOS`
      : undefined;
  const address = text(job.address);
  return renderDetails(
    [
      ['job', address],
      ['state', renderState(job.state, colorize)],
      ['market', text(job.market)],
      ['node', job.node ? text(job.node) : undefined],
      ['price', `${formatNos(job.price)} NOS/s, timeout ${formatSeconds(job.timeout)}`],
      ['ran', job.timeStart > 0 ? formatSeconds(ran) : undefined],
      ['cost', cost],
      ['definition', job.definition],
      ['result', job.result ?? undefined],
      ['explorer', explorer ? `${explorer}/jobs/${address}` : undefined],
    ],
    colorize,
  );
}

/**
 * Human summary of a result: status, per-op exit codes and times, extracted results, endpoints, errors.
 *
 * @example
 * ```ts
 * console.log(describeResultText(flow, ux.colorize));
 * ```
 */
export function describeResultText(flow: FlowState, colorize: Colorize): string {
  const lines = [`${colorize('bold', 'status')}: ${renderState(flow.status, colorize)}`];
  for (const error of flow.errors ?? []) lines.push(`  ${colorize('red', 'error')}: ${error.message}`);
  for (const op of flow.opStates) {
    const took = op.startTime && op.endTime ? ` in ${formatSeconds((op.endTime - op.startTime) / 1000)}` : '';
    lines.push(
      `  ${op.operationId}: ${renderState(op.status, colorize)}${op.exitCode === null ? '' : ` (exit ${op.exitCode})`}${took}${op.error ? ` — ${op.error.message}` : ''}`,
    );
    for (const [key, values] of Object.entries(op.results ?? {}))
      lines.push(`    ${colorize('cyan', key)}: ${values.join(', ')}`);
    for (const endpoint of op.endpoints ?? []) lines.push(`    ${endpoint.url} (${endpoint.status})`);
  }
  return lines.join('\n');
}
