/**
 * `nosana job validate` without oclif: the checks and the lines it prints, shared by the command and by the
 * start-up fast path (fast-path.ts), so both print the same thing.
 */
import { readFileSync } from 'node:fs';
import type { ValidationIssue } from '@nosana/core';

/** Summary of one valid job definition. */
export interface ValidatedFile {
  source: string;
  ops: number;
  groups: string[];
  images: string[];
  gpu: boolean;
  exposedServices: number;
  warnings: Array<Pick<ValidationIssue, 'path' | 'message' | 'code'>>;
}

/** What `nosana job validate --json` returns when every file is valid. */
export interface JobValidateResult {
  files: ValidatedFile[];
}

/** Parameters of {@link validateFiles}: the files, and where lines and warnings go. */
export interface ValidateFilesParameters {
  /** Paths, or `-` for standard input. */
  files: string[];
  /** Prints a line for the user (nothing with `--json`). */
  log: (line: string) => void;
  /** Records and prints a warning. */
  warn: (message: string) => void;
  /** Colors text when the terminal shows colors. */
  colorize: (color: 'green', text: string) => string;
  /** Reads standard input (for `-`). */
  readStdin?: () => Promise<string>;
}

/**
 * Validates job definition files; resolves with their summaries, or throws the coded error the CLI prints
 * (CORE__JOB_DEFINITION_INVALID for one file, CLI__JOB_DEFINITIONS_INVALID for several).
 *
 * @example
 * ```ts
 * const { files } = await validateFiles({ files: ['job.json'], log: console.log, warn: console.warn, colorize: (_, t) => t });
 * ```
 */
export async function validateFiles(parameters: ValidateFilesParameters): Promise<JobValidateResult> {
  const { files, log, warn, colorize, readStdin = readStandardInput } = parameters;
  const { groupOperations, formatIssue, invalidJobDefinitionError, NosanaError, parseJobDefinition } =
    await import('@nosana/core');
  const valid: ValidatedFile[] = [];
  const invalid: Array<{ source: string; issues: ValidationIssue[] }> = [];
  for (const file of files) {
    const source = file === '-' ? '<stdin>' : file;
    // Synchronous on purpose: a definition is at most 1 MiB, and node:fs/promises costs the start-up ~5 ms.
    const text = file === '-' ? await readStdin() : readFileSync(file, 'utf8');
    const result = parseJobDefinition({ text, source });
    for (const warning of result.warnings) warn(`${source}: ${formatIssue(warning)}`);
    if (!result.ok) {
      invalid.push({ source, issues: result.errors });
      continue;
    }
    const { definition } = result;
    const runs = definition.ops.flatMap((op) => (op.type === 'container/run' ? [op] : []));
    const summary: ValidatedFile = {
      source,
      ops: definition.ops.length,
      groups: groupOperations(definition.ops).map((g) => g.name),
      images: [...new Set(runs.map((op) => op.args.image ?? definition.global?.image ?? '?'))],
      gpu: runs.some((op) => op.args.gpu ?? definition.global?.gpu ?? false),
      exposedServices: runs.filter((op) => op.args.expose !== undefined).length,
      warnings: result.warnings.map(({ path, message, code }) => ({ path, message, code })),
    };
    valid.push(summary);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const extras = [
      summary.gpu ? 'needs a GPU' : '',
      summary.exposedServices > 0 ? `${plural(summary.exposedServices, 'service')} exposed` : '',
    ].filter(Boolean);
    log(
      `${colorize('green', '✔')} ${source} is a valid job definition: ${plural(summary.ops, 'op')} in ${plural(summary.groups.length, 'group')}${extras.length ? `, ${extras.join(', ')}` : ''} (${summary.images.join(', ')})`,
    );
  }
  if (invalid.length === 1 && files.length === 1)
    throw invalidJobDefinitionError(invalid[0]!.issues, invalid[0]!.source);
  if (invalid.length > 0) {
    const count = invalid.reduce((n, f) => n + f.issues.length, 0);
    throw new NosanaError(
      'CLI__JOB_DEFINITIONS_INVALID',
      `${invalid.length} of ${files.length} job definitions are invalid (${count} error${count === 1 ? '' : 's'})`,
      { files: invalid },
    );
  }
  return { files: valid };
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
