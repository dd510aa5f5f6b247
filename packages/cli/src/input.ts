/**
 * Checks of command-line input that name the argument at fault: timeouts (bare numbers are minutes, as in the
 * original `nosana` CLI), job states in any case, and Solana addresses. Each throws `CLI__INVALID_FLAG` or
 * `CLI__INVALID_ARGUMENT` (exit 1) before anything is sent.
 */
import type { JobState } from '@nosana/core';

const JOB_STATES: readonly JobState[] = ['QUEUED', 'RUNNING', 'COMPLETED', 'STOPPED'];

/**
 * A timeout flag in seconds: a bare number is minutes (`30` → 1800), amounts with units are exact (`90s`, `2h`,
 * `1h30m`).
 *
 * @example
 * ```ts
 * await parseTimeout('30'); // 1800
 * await parseTimeout('45s'); // 45
 * ```
 */
export async function parseTimeout(value: string, flag = 'timeout'): Promise<number> {
  const { NosanaError, parseDuration } = await import('@nosana/core');
  const text = value.trim();
  const minutes = /^\d+$/.test(text) ? Number(text) : undefined;
  if (minutes !== undefined && minutes > 0 && Number.isSafeInteger(minutes * 60)) return minutes * 60;
  try {
    if (minutes === undefined) return parseDuration(text);
  } catch {
    // reported below, naming the flag
  }
  throw new NosanaError(
    'CLI__INVALID_FLAG',
    `--${flag} "${value}" is not a duration — write minutes ("30") or amounts with units s, m, h, d ("90s", "2h", "1h30m")`,
    { flag, value },
  );
}

/**
 * A job state given in any case (`running`, `Running`, `RUNNING`).
 *
 * @example
 * ```ts
 * await parseJobState('completed'); // 'COMPLETED'
 * ```
 */
export async function parseJobState(value: string, flag = 'state'): Promise<JobState> {
  const upper = value.trim().toUpperCase() as JobState;
  if (JOB_STATES.includes(upper)) return upper;
  const { NosanaError } = await import('@nosana/core');
  throw new NosanaError(
    'CLI__INVALID_FLAG',
    `--${flag} "${value}" is not a job state — use one of ${JOB_STATES.join(', ')} (any case)`,
    { flag, value },
  );
}

const BASE58 = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/**
 * Checks that an argument or flag is a Solana address (base58, 32 bytes) and returns it; `what` names it in the
 * error: `"foo" is not a Solana address (the job argument)`.
 *
 * @example
 * ```ts
 * await solanaAddress(args.job, 'the job argument');
 * ```
 */
export async function solanaAddress(value: string, what: string): Promise<string> {
  if (BASE58.test(value)) {
    const { PublicKey } = await import('@solana/web3.js');
    try {
      return new PublicKey(value).toBase58();
    } catch {
      // not 32 bytes: reported below
    }
  }
  const { NosanaError } = await import('@nosana/core');
  throw new NosanaError(
    'CLI__INVALID_ARGUMENT',
    `"${value}" is not a Solana address (${what}) — pass a base58 address like 7nxXoihx65yRGZiGzWZsFMz8D7qwxFePNKvDBWZnxc41`,
    { argument: what, value },
  );
}
