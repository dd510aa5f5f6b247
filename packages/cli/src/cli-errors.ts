import type { ValidationIssue } from '@nosana/core';

declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** Some of several job definitions given to one command are invalid. */
    CLI__JOB_DEFINITIONS_INVALID: { files: Array<{ source: string; issues: ValidationIssue[] }> };
    /** A flag's value is malformed or contradicts another flag. */
    CLI__INVALID_FLAG: { flag: string; value: string };
    /** The job ran and failed (exit 2). */
    CLI__JOB_FAILED: { job: string; status: string };
    /** The job was stopped before it finished (exit 2). */
    CLI__JOB_STOPPED: { job: string; state: string };
    /** No node API answers at the URL (exit 3). */
    CLI__NODE_UNREACHABLE: { url: string };
    /** The node refused the request: the wallet is not the job's poster (exit 1). */
    CLI__NODE_REFUSED: { url: string; status: number };
    /** A wait ran out of time (exit 3). */
    CLI__WAIT_TIMEOUT: { what: string; seconds: number };
  }
}
