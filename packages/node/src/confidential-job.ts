/**
 * The job runner's confidential steps: getting the definition to run (delivered after the claim, or kept from
 * before a restart), and returning the real result to its owner while a blank one is pinned.
 */
import {
  definitionLogistics,
  type FlowState,
  isNosanaError,
  type JobDefinition,
  type Logistics,
  NosanaError,
} from '@nosana/core';
import './errors.js';
import type { JobLogistics } from './logistics.js';
import type { JobRecord, NodeStore } from './store.js';

/** The fields of a job's record every step writes. */
export type RecordBase = Pick<JobRecord, 'job' | 'run' | 'market' | 'startedAt'>;

/** Parameters of {@link confidentialDefinition}. */
export interface ConfidentialDefinitionParameters {
  logistics: JobLogistics | undefined;
  store: NodeStore;
  base: RecordBase;
  /** The definition on IPFS: the placeholder with `logistics.send`. */
  placeholder: JobDefinition;
  signal: AbortSignal;
}

/**
 * The definition to run for a confidential job: the one kept (sealed) from before a restart, else the one the
 * owner delivers now — then kept, so the job is never asked for twice nor lost on a crash.
 *
 * @example
 * ```ts
 * const definition = await confidentialDefinition({ logistics, store, base, placeholder, signal });
 * ```
 */
export async function confidentialDefinition({
  logistics,
  store,
  base,
  placeholder,
  signal,
}: ConfidentialDefinitionParameters): Promise<JobDefinition> {
  const send = definitionLogistics(placeholder)!;
  if (!logistics)
    throw new NosanaError(
      'NODE__LOGISTICS_FAILED',
      `job ${base.job} is confidential (logistics "${send.type}") and this node takes no confidential jobs`,
      { job: base.job, endpoint: '', reason: 'no logistics' },
    );
  const stored = store.get(base.job)?.definition;
  if (stored !== undefined) return logistics.openDefinition(base.job, stored);
  const definition = await logistics.awaitDefinition({ job: base.job, send, signal });
  await store.put({
    ...base,
    phase: 'claimed',
    definition: logistics.sealDefinition(base.job, definition),
  });
  return definition;
}

/**
 * The result of a confidential job whose definition never came: `logistics-error` (the node is paid for the time it
 * waited), or `stopped` when the job was stopped meanwhile.
 *
 * @example
 * ```ts
 * const flow = logisticsRefusal(error, view.startedAt, clock.now());
 * ```
 */
export function logisticsRefusal(error: Error, startTime: number, now: number): FlowState {
  const stopped = isNosanaError(error, 'NODE__STOPPED');
  return {
    status: stopped ? 'stopped' : 'logistics-error',
    startTime,
    endTime: now,
    opStates: [],
    errors: [{ message: error.message, ...(isNosanaError(error) ? { code: error.code } : {}) }],
  };
}

/** Parameters of {@link returnConfidentialResult}. */
export interface ReturnConfidentialResultParameters {
  logistics: JobLogistics;
  store: NodeStore;
  base: RecordBase;
  receive: Logistics;
  /** The real result, final (cut to size, sealed when asked, with its receipt). */
  result: FlowState;
  poster: string;
  /** Makes a document final (receipt) the way the runner does. */
  finalize: (flow: FlowState) => Promise<FlowState>;
  signal: AbortSignal;
}

/**
 * Keeps the real result for its owner, records the blank one to pin (status and times only: neither the logs nor
 * the errors, which may quote the definition), then returns the real one to the owner (`api-listen`: waits until
 * collected; `api`: posts it). The record is written before the wait, so a crash meanwhile settles the job
 * instead of running it again; a result not collected or not posted is noted in the blank one.
 *
 * @example
 * ```ts
 * const record = await returnConfidentialResult({ logistics, store, base, receive, result, poster, finalize, signal });
 * ```
 */
export async function returnConfidentialResult(
  parameters: ReturnConfidentialResultParameters,
): Promise<JobRecord> {
  const { logistics, store, base, result } = parameters;
  await logistics.keep(base.job, parameters.poster, result);
  const blank = (errors: FlowState['errors']) =>
    parameters.finalize({
      status: result.status,
      startTime: result.startTime,
      endTime: result.endTime,
      opStates: [],
      ...(errors && errors.length > 0 ? { errors } : {}),
    });
  // A definition that never came leaves nothing to return: its error is the whole result.
  const nothingRan = result.status === 'logistics-error';
  let flow = await blank(nothingRan ? result.errors : []);
  let record: JobRecord = { ...base, phase: 'result-ready', status: flow.status, flow };
  await store.put(record);
  if (nothingRan) return record;
  const failed = await logistics.returnResult(base.job, parameters.receive, parameters.signal);
  if (failed) {
    flow = await blank([{ code: failed.code, message: failed.message }]);
    record = { ...record, flow };
    await store.put(record);
  }
  return record;
}
