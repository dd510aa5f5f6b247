/** The states a job goes through, as clients see them. RUNNING is not stored on chain: it is a queued job with a Run account. */
export type JobState = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'STOPPED';

/** The `state` byte of a Job account: 0 Queued, 2 Done, 3 Stopped (1 is never stored). */
export const ON_CHAIN_JOB_STATE = { QUEUED: 0, DONE: 2, STOPPED: 3 } as const;

/**
 * The client-visible state of a job from its on-chain state byte and whether a Run account exists for it.
 *
 * @example
 * ```ts
 * jobStateFromChain(0, true); // 'RUNNING'
 * ```
 */
export function jobStateFromChain(state: number, hasRun: boolean): JobState {
  if (state === ON_CHAIN_JOB_STATE.DONE) return 'COMPLETED';
  if (state === ON_CHAIN_JOB_STATE.STOPPED) return hasRun ? 'RUNNING' : 'STOPPED';
  return hasRun ? 'RUNNING' : 'QUEUED';
}
