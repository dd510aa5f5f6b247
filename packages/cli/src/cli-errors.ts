import type { ValidationIssue } from '@nosana/core';

declare module '@nosana/core' {
  interface NosanaErrorContextMap {
    /** Some of several job definitions given to one command are invalid. */
    CLI__JOB_DEFINITIONS_INVALID: { files: Array<{ source: string; issues: ValidationIssue[] }> };
  }
}
