import type { ValidationIssue } from '@nosana/core';

/**
 * The CLI's error codes (registered on `NosanaErrorContextMap`) and how the CLI turns errors into exit codes and
 * messages. This is the only place that decides exit codes:
 *
 * | exit | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | bad input: invalid job definition, flags, files, keys, balances |
 * | 2 | the job failed or was stopped |
 * | 3 | network, RPC, IPFS or container engine unreachable or failing |
 */

declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** Some of several job definitions given to one command are invalid. */
    CLI__JOB_DEFINITIONS_INVALID: { files: Array<{ source: string; issues: ValidationIssue[] }> };
    /** A flag's value is malformed or contradicts another flag. */
    CLI__INVALID_FLAG: { flag: string; value: string };
    /** The job ran and failed (exit 2); `result` is the command's result (job, state, result CID, flow). */
    CLI__JOB_FAILED: { job: string; status: string; result?: unknown };
    /** The job was stopped before it finished (exit 2); `result` as for CLI__JOB_FAILED. */
    CLI__JOB_STOPPED: { job: string; state: string; result?: unknown };
    /** No node API answers at the URL (exit 3). */
    CLI__NODE_UNREACHABLE: { url: string };
    /** The node refused the request: the wallet is not the job's poster (exit 1). */
    CLI__NODE_REFUSED: { url: string; status: number };
    /** `job post --replicas-verify`: the replicas' results differ, or one has none (exit 2); `result` as posted. */
    CLI__REPLICAS_DISAGREE: { jobs: string[]; differences: string[]; result?: unknown };
    /** A confidential job ended before its node took the definition: it ran nothing (exit 2). */
    CLI__CONFIDENTIAL_UNDELIVERED: { job: string; state: string };
    /** A wait ran out of time (exit 3). */
    CLI__WAIT_TIMEOUT: { what: string; seconds: number };
    /** A command needs the wallet before it was loaded (a bug in the command). */
    CLI__WALLET_NOT_LOADED: Record<string, never>;
    /** The node's live log stream answered with an HTTP error (following a job then uses the result's logs). */
    CLI__NODE_STREAM_REFUSED: { url: string; status: number; body: string };
    /** A positional argument is malformed (exit 1), e.g. a job that is not a Solana address. */
    CLI__INVALID_ARGUMENT: { argument: string; value: string };
    /** No command has the name given (exit 1); the message suggests the closest one. Printed by the hook. */
    CLI__UNKNOWN_COMMAND: { command: string };
    /** A definition URL is not fetched (exit 1): scheme, credentials, private address, size or redirects. */
    CLI__URL_REFUSED: {
      url: string;
      reason: 'scheme' | 'credentials' | 'private-address' | 'size' | 'redirects';
    };
    /** A definition URL answered with an HTTP error (exit 1). */
    CLI__URL_FAILED: { url: string; status: number };
    /** A definition URL did not answer (exit 3). */
    CLI__URL_UNREACHABLE: { url: string };
    /** A job is not in the state (or not owned as) an operation needs (exit 1); checked before sending. */
    CLI__JOB_WRONG_STATE: { job: string; state: string; expected: string };
    /** `localnet status` found no localnet (exit 3); `result` is the status (running: false, where it looked). */
    CLI__LOCALNET_NOT_RUNNING: { url: string; dataDir: string; result?: unknown };
    /** `node start` without --market (exit 1): the markets this host qualifies for are in `result`. */
    CLI__MARKET_REQUIRED: { network: string; qualifying: string[]; result?: unknown };
    /** `node start --market auto` found no market this host qualifies for (exit 1); the verdicts are in `result`. */
    CLI__NO_QUALIFYING_MARKET: { network: string; result?: unknown };
    /** The configuration file (`~/.nosana/config.json`) cannot be read or holds a bad value (exit 1). */
    CLI__CONFIG_FILE_INVALID: { path: string };
    /** `nosana config` was given a key that does not exist (exit 1); `keys` are the valid ones. */
    CLI__CONFIG_KEY_UNKNOWN: { key: string; keys: string[] };
    /** `nosana config set` was given a value the key does not accept (exit 1). */
    CLI__CONFIG_VALUE_INVALID: { key: string; value: string };
    /** `nosana market sync --from <file>`: the file cannot be read or is not a market directory (exit 1). */
    CLI__DIRECTORY_FILE_INVALID: { path: string };
    /** `nosana market sync`: the directory read has no usable market, so none is stored (exit 1). */
    CLI__DIRECTORY_EMPTY: { source: string; dropped: number };
    /** `nosana config use` named a profile that does not exist (exit 1); `profiles` are the existing ones. */
    CLI__CONFIG_PROFILE_UNKNOWN: { profile: string; profiles: string[] };
  }
}

export const EXIT = { OK: 0, INPUT: 1, JOB_FAILED: 2, NETWORK: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One itemized problem: where (file, path, line) and what. */
export interface NormalizedIssue {
  file?: string;
  path: string;
  message: string;
  code: string;
  line?: number;
  column?: number;
}

/** An error in the shape every command reports it, in JSON and on the terminal. */
export interface NormalizedError {
  code: string;
  message: string;
  exitCode: ExitCode;
  /** Itemized problems (e.g. every issue of an invalid job definition). */
  errors?: NormalizedIssue[];
  /**
   * What the command knows despite the failure (e.g. the job, its state, result CID and flow for a failed job), for
   * the `result` of the `--json` envelope; from the error's `context.result`.
   */
  result?: unknown;
}

/** Error codes (or code prefixes ending in `*`) and their exit codes; the first match wins. */
const EXIT_BY_CODE: Array<[string, ExitCode]> = [
  ['CLI__JOB_FAILED', EXIT.JOB_FAILED],
  ['CLI__JOB_STOPPED', EXIT.JOB_FAILED],
  ['CLI__CONFIDENTIAL_UNDELIVERED', EXIT.JOB_FAILED],
  ['CLI__REPLICAS_DISAGREE', EXIT.JOB_FAILED],
  ['RUNTIME__FLOW_FAILED', EXIT.JOB_FAILED],
  ['CHAIN__RPC_*', EXIT.NETWORK],
  ['CHAIN__IPFS_UNREACHABLE', EXIT.NETWORK],
  ['CHAIN__IPFS_TIMEOUT', EXIT.NETWORK],
  ['CHAIN__TRANSACTION_*', EXIT.NETWORK],
  ['RUNTIME__ENGINE_UNREACHABLE', EXIT.NETWORK],
  ['RUNTIME__ENGINE_SETTING_UNREACHABLE', EXIT.NETWORK],
  ['RUNTIME__ENGINE_REQUEST_FAILED', EXIT.NETWORK],
  ['LOCALNET__NOT_RUNNING', EXIT.NETWORK],
  ['CLI__LOCALNET_NOT_RUNNING', EXIT.NETWORK],
  ['CLI__NODE_UNREACHABLE', EXIT.NETWORK],
  ['CLI__WAIT_TIMEOUT', EXIT.NETWORK],
  ['DEPLOY__API_UNREACHABLE', EXIT.NETWORK],
  ['GATEWAY__TUNNEL_CLOSED', EXIT.NETWORK],
  ['INDEXER__RPC_FAILED', EXIT.NETWORK],
  ['INDEXER__API_FAILED', EXIT.NETWORK],
  ['CLI__URL_UNREACHABLE', EXIT.NETWORK],
  ['CHAIN__MARKET_DIRECTORY_UNREADABLE', EXIT.NETWORK],
  ['NODE__SPEED_TEST_FAILED', EXIT.NETWORK],
  ['NODE__BENCHMARK_FAILED', EXIT.JOB_FAILED],
  ['TEMPLATES__SOURCE_UNREACHABLE', EXIT.NETWORK],
];

/** The exit code of an error code: explicit entries first, then bad input for everything else. */
export function exitCodeOf(code: string): ExitCode {
  for (const [pattern, exit] of EXIT_BY_CODE) {
    if (pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : code === pattern) return exit;
  }
  return EXIT.INPUT;
}

interface Issue {
  path: string;
  message: string;
  code: string;
  hint?: string;
  line?: number;
  column?: number;
}

interface CodedError {
  name: string;
  code: string;
  message: string;
  context?: { issues?: Issue[]; files?: Array<{ source: string; issues: Issue[] }>; result?: unknown };
}

const isCoded = (error: unknown): error is CodedError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { name?: unknown }).name === 'NosanaError' &&
  typeof (error as { code?: unknown }).code === 'string';

const toNormalizedIssue = (issue: Issue, file?: string): NormalizedIssue => ({
  ...(file === undefined ? {} : { file }),
  path: issue.path,
  message: issue.hint ? `${issue.message} — ${issue.hint}` : issue.message,
  code: issue.code,
  ...(issue.line === undefined ? {} : { line: issue.line, column: issue.column ?? 1 }),
});

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file — check the path',
  EACCES: 'permission denied — check the file permissions',
  EISDIR: 'it is a directory — pass a file',
};

/** Normalizes anything thrown into a {@link NormalizedError}. */
export function normalizeError(error: unknown): NormalizedError {
  if (isCoded(error)) {
    const normalized: NormalizedError = {
      code: error.code,
      message: error.message,
      exitCode: exitCodeOf(error.code),
    };
    const { issues, files, result } = error.context ?? {};
    if (result !== undefined) normalized.result = result;
    if (Array.isArray(issues)) {
      // The first line of the message is the summary; the issues are listed item by item.
      normalized.message = error.message.split('\n')[0]!;
      normalized.errors = issues.map((issue) => toNormalizedIssue(issue));
    } else if (Array.isArray(files)) {
      normalized.errors = files.flatMap((file) =>
        file.issues.map((issue) => toNormalizedIssue(issue, file.source)),
      );
    }
    return normalized;
  }
  // oclif's own parse errors (missing argument, unknown flag…) are input errors.
  const oclif = (error as { oclif?: { exit?: number } } | undefined)?.oclif;
  if (error instanceof Error && oclif !== undefined) {
    return { code: 'CLI__USAGE', message: error.message, exitCode: EXIT.INPUT };
  }
  if (error instanceof Error) {
    const { code: io, path } = error as NodeJS.ErrnoException;
    if (io !== undefined && FILE_ERRORS[io] !== undefined) {
      const what = path === undefined ? 'cannot read the file' : `cannot read "${path}"`;
      return { code: 'CLI__FILE_UNREADABLE', message: `${what}: ${FILE_ERRORS[io]}`, exitCode: EXIT.INPUT };
    }
    return { code: 'CLI__UNEXPECTED', message: error.message, exitCode: EXIT.INPUT };
  }
  return { code: 'CLI__UNEXPECTED', message: String(error), exitCode: EXIT.INPUT };
}
