/**
 * The results of jobs that did not run their flow to its end: a definition that could not be read or is invalid, a
 * service that stayed unhealthy, secrets that do not open.
 */
import { type FlowState, isNosanaError, type JobDefinition, type validateJobDefinition } from '@nosana/core';
import type { UnhealthyVerdict } from './service-health.js';
import type { NodeTrust } from './trust.js';

/** The result of a job whose definition could not be read or is invalid: nothing runs. */
export function definitionRefusal(
  definition: Error | ReturnType<typeof validateJobDefinition>,
  aborted: boolean,
  now: number,
): FlowState {
  if (aborted && definition instanceof Error)
    return {
      status: 'stopped',
      startTime: now,
      endTime: now,
      opStates: [],
      errors: [{ message: definition.message }],
    };
  const errors =
    definition instanceof Error
      ? [
          {
            message: `${definition.message}`,
            ...(isNosanaError(definition) ? { code: definition.code } : {}),
          },
        ]
      : (definition.ok ? [] : definition.errors).map((e) => ({
          message: `${e.path}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`,
          code: e.code,
        }));
  return { status: 'validation-error', startTime: now, endTime: now, errors, opStates: [] };
}

/** The result of a job ended for an unhealthy service: failed, with the reason and a coded error. */
export function endedUnhealthy(flow: FlowState, verdict: UnhealthyVerdict): FlowState {
  const seconds = (ms: number) => Math.floor(ms / 1000);
  return {
    ...flow,
    status: 'failed',
    reason: verdict.reason,
    errors: [
      ...(flow.errors ?? []),
      {
        code: 'NODE__SERVICE_UNHEALTHY',
        message: `op ${verdict.opId}, port ${verdict.port}: health checks failing since ${new Date(verdict.since).toISOString()} (${seconds(verdict.unhealthyMs)} s, grace ${seconds(verdict.graceMs)} s); the node ended the job early, so it is paid only for the time served`,
      },
    ],
  };
}

/** The definition with its sealed secrets opened for the containers, or the error that refuses it. */
export function openSecrets(
  trust: NodeTrust | undefined,
  definition: JobDefinition,
  poster: string,
): JobDefinition | Error {
  if (!trust?.hasSecrets(definition)) return definition;
  try {
    return trust.openSecrets(definition, poster);
  } catch (error) {
    return error as Error;
  }
}
