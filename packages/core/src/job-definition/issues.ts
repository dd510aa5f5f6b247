/** One problem found in a job definition. */
export interface ValidationIssue {
  /** Human path to the offending value, e.g. `ops[1].args.image`; `(root)` for the document itself. */
  path: string;
  /** JSON Pointer (RFC 6901) to the same value, e.g. `/ops/1/args/image`. */
  pointer: string;
  /** Stable machine code of the rule, e.g. `required`, `unknown_property`, `duplicate_op_id`. */
  code: ValidationIssueCode;
  /** What is wrong, e.g. `required`. */
  message: string;
  /** How to fix it, e.g. `add an image like "ubuntu:24.04"`. */
  hint?: string;
  /** 1-based line and column in the source document, when the definition was parsed from text. */
  line?: number;
  column?: number;
}

export type ValidationIssueCode =
  // schema
  | 'required'
  | 'unknown_property'
  | 'type'
  | 'enum'
  | 'const'
  | 'pattern'
  | 'too_short'
  | 'too_long'
  | 'too_small'
  | 'too_large'
  | 'duplicate_item'
  | 'too_many_properties'
  | 'invalid_property_name'
  | 'invalid'
  // semantic
  | 'document_too_large'
  | 'duplicate_op_id'
  | 'image_missing'
  | 'unknown_dependency'
  | 'self_dependency'
  | 'dependency_in_other_group'
  | 'dependency_cycle'
  | 'stop_without_dependency'
  | 'unknown_volume'
  | 'volume_created_later'
  | 'volume_not_ready'
  | 'duplicate_volume'
  | 'duplicate_mount'
  | 'not_absolute_path'
  | 'invalid_port_range'
  | 'port_range_too_large'
  | 'duplicate_port'
  | 'overlapping_ports'
  | 'invalid_regex'
  | 'invalid_literal'
  | 'unknown_literal_op'
  | 'unknown_literal_key'
  | 'unknown_literal_port'
  | 'literal_self_reference'
  | 'literal_not_ready'
  | 'private_without_expose'
  | 'logistics_endpoint'
  | 'deprecated';

/** Renders an issue as one line: `ops[1].args.image (line 12, column 7): required — add an image like "ubuntu:24.04"`. */
export function formatIssue(issue: ValidationIssue): string {
  const where = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`;
  return `${issue.path}${where}: ${issue.message}${issue.hint ? ` — ${issue.hint}` : ''}`;
}

/** Path segments (object keys and array indexes) to a human path such as `ops[1].env["MY VAR"]`. */
export function toPath(segments: ReadonlyArray<string | number>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** Path segments to a JSON Pointer such as `/ops/1/args/image`. */
export function toPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/** A JSON Pointer back to path segments (numeric segments become numbers). */
export function fromPointer(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => {
      const s = raw.replaceAll('~1', '/').replaceAll('~0', '~');
      return /^(0|[1-9]\d*)$/.test(s) ? Number(s) : s;
    });
}

/** Builds an issue from path segments. */
export function issueAt(
  segments: ReadonlyArray<string | number>,
  code: ValidationIssueCode,
  message: string,
  hint?: string,
): ValidationIssue {
  const issue: ValidationIssue = { path: toPath(segments), pointer: toPointer(segments), code, message };
  if (hint !== undefined) issue.hint = hint;
  return issue;
}
