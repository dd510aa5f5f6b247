/**
 * Validate a job definition with @nosana/core — no network, no Docker.
 *
 *   node --import tsx examples/sdk/validate.ts examples/hello-world.json
 */
import { readFile } from 'node:fs/promises';
import { formatIssue, type JobDefinition, parseJobDefinition } from '@nosana/core';

/** Parses (JSON or YAML) and validates a definition file; returns it, or the list of problems. */
export async function validateFile(
  file: string,
): Promise<{ ok: true; definition: JobDefinition } | { ok: false; problems: string[] }> {
  const result = parseJobDefinition({ text: await readFile(file, 'utf8'), source: file });
  if (!result.ok) return { ok: false, problems: result.errors.map(formatIssue) };
  return { ok: true, definition: result.definition };
}

if (import.meta.filename === process.argv[1]) {
  const file = process.argv[2] ?? 'examples/hello-world.json';
  const result = await validateFile(file);
  if (result.ok) {
    process.stdout.write(`${file}: valid, ${result.definition.ops.length} op(s)\n`);
  } else {
    process.stderr.write(`${file}: invalid\n${result.problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}
