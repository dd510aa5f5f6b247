/**
 * The group scheduler of a flow: groups one after another, the ops of a group in parallel once their `depends_on`
 * ops are ready, the rest skipped after a failure or a stop; and the flow's initial state.
 */
import {
  type FlowState,
  groupOperations,
  isNosanaError,
  type JobDefinition,
  type Operation,
  type OpState,
  type OpStatus,
} from '@nosana/core';
import { type ContainerRunContext, runContainer } from './run-container.js';

/**
 * A flow's state before it runs: every op pending.
 *
 * @example
 * ```ts
 * const state = initialState(definition, Date.now());
 * ```
 */
export function initialState(definition: JobDefinition, startTime: number): FlowState {
  return {
    status: 'running',
    startTime,
    endTime: null,
    opStates: definition.ops.map((op) => ({
      providerId: null,
      operationId: op.id,
      group: op.execution?.group ?? op.id,
      status: 'pending' as OpStatus,
      startTime: null,
      endTime: null,
      exitCode: null,
      logs: [],
    })),
  };
}

/**
 * The group scheduler: groups one after another; the ops of a group in parallel, each once its `depends_on` ops
 * are ready (final and successful, or a service with every endpoint ONLINE). After a group that did not succeed,
 * or a stop, the remaining ops are skipped (`stopped`).
 *
 * @example
 * ```ts
 * await runGroups({ ...context, network }, state); // `state` is updated in place
 * ```
 */
export async function runGroups(context: ContainerRunContext, state: FlowState): Promise<void> {
  const { definition, flowSignal, setStatus } = context;
  const byId = new Map(
    definition.ops.map((op, index) => [op.id, { op, index, opState: state.opStates[index]! }]),
  );
  /** Settles when an op is final (or, for a service, running and ONLINE): true when dependents may start. */
  const ready = new Map(definition.ops.map((op) => [op.id, deferred()]));
  const skip = (opState: OpState, message: string) => {
    opState.error = { event: 'skipped', message };
    setStatus(opState, 'stopped');
    ready.get(opState.operationId)!.resolve(false);
  };
  const runOperation = async (op: Operation) => {
    const { index, opState } = byId.get(op.id)!;
    const dependencies = op.execution?.depends_on ?? [];
    const depsOk = (
      await Promise.all(dependencies.map((d) => ready.get(d)?.promise ?? Promise.resolve(false)))
    ).every(Boolean);
    if (flowSignal.aborted) return skip(opState, 'not run: the flow was stopped');
    if (!depsOk) return skip(opState, `not run: a dependency (${dependencies.join(', ')}) did not succeed`);
    opState.startTime = context.now();
    if (op.type === 'container/create-volume')
      return createVolume(context, op.args.name, opState, ready.get(op.id)!.resolve);
    await runContainer(context, op, index, opState, ready.get(op.id)!.resolve);
  };
  let failedGroup: string | undefined;
  for (const group of groupOperations(definition.ops)) {
    if (failedGroup || flowSignal.aborted) {
      for (const op of group.ops)
        skip(
          byId.get(op.id)!.opState,
          failedGroup ? `not run: group "${failedGroup}" did not succeed` : 'not run: the flow was stopped',
        );
      continue;
    }
    await Promise.all(group.ops.map((op) => runOperation(op)));
    if (group.ops.some((op) => byId.get(op.id)!.opState.status !== 'success')) failedGroup = group.name;
  }
}

/** A `container/create-volume` op: a named volume of the job (an existing one is reused when resuming). */
async function createVolume(
  context: ContainerRunContext,
  name: string,
  opState: OpState,
  markReady: (ok: boolean) => void,
): Promise<void> {
  try {
    await context.engine
      .createVolume(context.volumeName(name), context.labels(opState.operationId))
      .catch((error) => {
        if (!(context.resume && isNosanaError(error, 'RUNTIME__ENGINE_CONFLICT'))) throw error;
      });
    opState.endTime = context.now();
    context.setStatus(opState, 'success');
    markReady(true);
  } catch (error) {
    opState.error = {
      event: 'create-volume',
      message: (error as Error).message,
      ...(isNosanaError(error) ? { code: error.code } : {}),
    };
    opState.endTime = context.now();
    context.setStatus(opState, 'failed', { error: opState.error.message });
    markReady(false);
  }
}

function deferred(): { promise: Promise<boolean>; resolve: (ok: boolean) => void } {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
