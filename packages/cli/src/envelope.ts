/**
 * The `--json` envelope and the text form of errors, without oclif: the base command and the start-up fast path
 * (fast-path.ts) print errors through these, so both print the same thing.
 */
import { type NormalizedError, normalizeError } from './errors.js';

/** The envelope every command prints with `--json`. */
export type JsonEnvelope<T> =
  | { status: 'ok'; result: T; warnings: string[] }
  | {
      status: 'error';
      /** null, or what the command knows despite the failure (a failed job: its address, state, result CID, flow). */
      result: T | null;
      warnings: string[];
      error: { code: string; message: string };
      errors?: NormalizedError['errors'];
    };

/** The colors error text uses. */
export type ErrorColor = 'red' | 'bold' | 'dim';

/**
 * The error envelope of anything thrown.
 *
 * @example
 * ```ts
 * process.stdout.write(`${JSON.stringify(errorEnvelope(error, []), null, 2)}\n`);
 * ```
 */
export function errorEnvelope<T>(error: unknown, warnings: string[]): JsonEnvelope<T> {
  const normalized = normalizeError(error);
  return {
    status: 'error',
    result: (normalized.result as T | undefined) ?? null,
    warnings,
    error: { code: normalized.code, message: normalized.message },
    ...(normalized.errors ? { errors: normalized.errors } : {}),
  };
}

/**
 * An error as the terminal shows it: the message, then each itemized problem with its file, path and line.
 *
 * @example
 * ```ts
 * process.stderr.write(`${errorText(normalizeError(error), (_, text) => text)}\n`);
 * ```
 */
export function errorText(
  normalized: NormalizedError,
  colorize: (color: ErrorColor, text: string) => string,
  stack?: string,
): string {
  const lines = [colorize('red', `Error: ${normalized.message}`)];
  let file: string | undefined;
  for (const item of normalized.errors ?? []) {
    if (item.file !== undefined && item.file !== file) {
      file = item.file;
      lines.push(`${colorize('bold', file)}:`);
    }
    const where =
      item.line === undefined ? '' : colorize('dim', ` (line ${item.line}, column ${item.column})`);
    lines.push(`  ${colorize('bold', item.path)}${where}: ${item.message}`);
  }
  if (normalized.code === 'CLI__UNEXPECTED' && stack) lines.push(stack);
  return lines.join('\n');
}
