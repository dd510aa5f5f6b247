import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { NosanaError } from '../errors.js';
import { formatIssue, fromPointer, issueAt, type ValidationIssue } from './issues.js';
import { JOB_DEFINITION_LIMITS } from './schema.js';
import { schemaIssues } from './schema-validation.js';
import { semanticIssues } from './semantic.js';
import type { JobDefinition } from './types.js';

/** The result of validating a job definition: the typed definition, or every issue found. */
export type ValidateJobDefinitionResult =
  | { ok: true; definition: JobDefinition; warnings: ValidationIssue[] }
  | { ok: false; errors: ValidationIssue[]; warnings: ValidationIssue[] };

/**
 * Validates a job definition (already parsed from JSON/YAML) against the JSON Schema and the semantic rules,
 * reporting every problem at once with its exact path and a fix. Pure: no I/O.
 *
 * @example
 * ```ts
 * const result = validateJobDefinition(JSON.parse(text));
 * if (!result.ok) for (const issue of result.errors) console.error(formatIssue(issue));
 * ```
 */
export function validateJobDefinition(value: unknown): ValidateJobDefinitionResult {
  const size = jsonSize(value);
  if (size > JOB_DEFINITION_LIMITS.maxDocumentBytes) return tooLarge(size);
  const semantic = semanticIssues(value);
  const order = documentOrder(value);
  const errors = order(mergeIssues(schemaIssues(value), semantic.errors));
  const warnings = order(semantic.warnings);
  if (errors.length > 0) return { ok: false, errors, warnings };
  return { ok: true, definition: value as JobDefinition, warnings };
}

/** Options of {@link parseJobDefinition}. */
export interface ParseJobDefinitionParameters {
  /** The document text (JSON, or YAML when the name ends in .yaml/.yml or the text is not JSON). */
  text: string;
  /** Where the text came from (a file name), used in messages and to pick the format. */
  source?: string;
}

/**
 * Parses a JSON or YAML job definition and validates it. Issues carry the line and column of the
 * offending value in `text`.
 *
 * @example
 * ```ts
 * const result = parseJobDefinition({ text: await readFile('job.json', 'utf8'), source: 'job.json' });
 * ```
 */
export function parseJobDefinition({
  text,
  source,
}: ParseJobDefinitionParameters): ValidateJobDefinitionResult {
  const bytes = utf8Length(text);
  if (bytes > JOB_DEFINITION_LIMITS.maxDocumentBytes) return tooLarge(bytes);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, version: '1.2' });
  const problem = document.errors[0];
  if (problem) {
    const [line, column] = problem.linePos?.[0]
      ? [problem.linePos[0].line, problem.linePos[0].col]
      : [undefined, undefined];
    const where = line === undefined ? '' : ` at line ${line}, column ${column}`;
    const kind = /\.ya?ml$/i.test(source ?? '') ? 'YAML' : 'JSON or YAML';
    throw new NosanaError(
      'CORE__JOB_DEFINITION_UNPARSABLE',
      `${source ?? 'the job definition'} is not valid ${kind}${where}: ${problem.message.split('\n')[0]}`,
      { ...(source === undefined ? {} : { source }), ...(line === undefined ? {} : { line, column }) },
    );
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  const result = validateJobDefinition(value);
  const locate = (issue: ValidationIssue): ValidationIssue => {
    const node = nodeAt(document.contents, fromPointer(issue.pointer));
    if (!node?.range) return issue;
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { ...issue, line, column: col };
  };
  return result.ok
    ? { ...result, warnings: result.warnings.map(locate) }
    : { ...result, errors: result.errors.map(locate), warnings: result.warnings.map(locate) };
}

/**
 * Validates and returns the typed definition, or throws a `CORE__JOB_DEFINITION_INVALID` {@link NosanaError}
 * whose message lists every issue and whose context holds them.
 *
 * @example
 * ```ts
 * const definition = assertValidJobDefinition(JSON.parse(text));
 * ```
 */
export function assertValidJobDefinition(value: unknown, source?: string): JobDefinition {
  const result = validateJobDefinition(value);
  if (result.ok) return result.definition;
  throw invalidJobDefinitionError(result.errors, source);
}

/** The error thrown for an invalid job definition. */
export function invalidJobDefinitionError(
  issues: ValidationIssue[],
  source?: string,
): NosanaError<'CORE__JOB_DEFINITION_INVALID'> {
  const count = issues.length === 1 ? '1 error' : `${issues.length} errors`;
  const lines = issues.map((issue) => `  ${formatIssue(issue)}`).join('\n');
  return new NosanaError(
    'CORE__JOB_DEFINITION_INVALID',
    `${source ?? 'the job definition'} is not a valid job definition (${count}):\n${lines}`,
    { issues, ...(source === undefined ? {} : { source }) },
  );
}

/** Schema issues first, then semantic ones not already reported at the same place with the same code. */
function mergeIssues(schema: ValidationIssue[], semantic: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set(schema.map((issue) => `${issue.pointer}|${issue.code}`));
  // A missing image is both a schema-level "required" and a semantic rule (global.image may supply it).
  const required = new Set(schema.filter((i) => i.code === 'required').map((i) => i.pointer));
  return [
    ...schema,
    ...semantic.filter(
      (issue) => !seen.has(`${issue.pointer}|${issue.code}`) && !required.has(issue.pointer),
    ),
  ];
}

/**
 * Sorts issues in document order: by the position of each path segment among its siblings (a missing key
 * sorts after the keys present). The sort is stable, so issues at one place keep the order they were found in.
 */
function documentOrder(document: unknown): (issues: ValidationIssue[]) => ValidationIssue[] {
  const rank = (issue: ValidationIssue): number[] => {
    const out: number[] = [];
    let node: unknown = document;
    for (const segment of fromPointer(issue.pointer)) {
      if (Array.isArray(node) && typeof segment === 'number') {
        out.push(segment);
        node = node[segment];
      } else if (typeof node === 'object' && node !== null) {
        const keys = Object.keys(node);
        const index = keys.indexOf(String(segment));
        out.push(index === -1 ? keys.length : index);
        node = index === -1 ? undefined : (node as Record<string, unknown>)[String(segment)];
      } else break;
    }
    return out;
  };
  const compare = (a: number[], b: number[]): number => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  return (issues) =>
    issues
      .map((issue) => ({ issue, rank: rank(issue) }))
      .sort((x, y) => compare(x.rank, y.rank))
      .map((x) => x.issue);
}

function tooLarge(size: number): ValidateJobDefinitionResult {
  const limit = JOB_DEFINITION_LIMITS.maxDocumentBytes;
  const issue = issueAt(
    [],
    'document_too_large',
    `is ${size} bytes, more than the ${limit} allowed`,
    'move large data into resources or an image',
  );
  return { ok: false, errors: [issue], warnings: [] };
}

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

function jsonSize(value: unknown): number {
  try {
    return utf8Length(JSON.stringify(value) ?? '');
  } catch {
    // Cycles or BigInts: not JSON at all; the schema reports what is wrong with it.
    return 0;
  }
}

/** The YAML node at `segments`, or the deepest existing ancestor (a missing key points at its parent). */
function nodeAt(root: unknown, segments: ReadonlyArray<string | number>): Node | undefined {
  let node = root as Node | undefined;
  for (const segment of segments) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      // An unknown property points at its key, which is where the reader's eye should go.
      if (pair && segment === segments.at(-1) && isScalar(pair.key)) return pair.key;
      next = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') next = node.items[segment];
    if (next === undefined || next === null) return node;
    node = next as Node;
  }
  return node;
}
