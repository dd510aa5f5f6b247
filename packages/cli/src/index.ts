/**
 * `@nosana/cli` — the `nosana` command line. Commands live in `src/commands/<topic>/<verb>.ts`; this module
 * exports the pieces other tools may reuse (exit codes and the error normalizer).
 *
 * @packageDocumentation
 */

export type { JsonEnvelope } from './base-command.js';
export { EXIT, type ExitCode, exitCodeOf, type NormalizedError, normalizeError } from './errors.js';
