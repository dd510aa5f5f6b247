import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { closest } from '../text.js';
import { fromPointer, issueAt, type ValidationIssue } from './issues.js';
import { validate as generatedValidator } from './schema-validator.generated.js';

/**
 * The job definition validator, compiled from the schema at build time (see schema-validator-source.ts): no ajv
 * compiler and no schema compilation at run time.
 */
const validator = (): ValidateFunction => generatedValidator as ValidateFunction;

/** Validates `value` against the job definition JSON Schema and returns every issue found, with fix hints. */
export function schemaIssues(value: unknown): ValidationIssue[] {
  const validate = validator();
  if (validate(value)) return [];
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error);
    if (!issue) continue;
    const key = `${issue.pointer}|${issue.code}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

const jsonType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
};

const describeValue = (value: unknown): string => {
  const type = jsonType(value);
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `${type} (${JSON.stringify(shown)})`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${type} (${String(value)})`;
  return type;
};

const typeNames: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const listOr = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** Fix hints for missing properties, by property name. */
const requiredHints: Record<string, string> = {
  version: 'add "version": "0.1"',
  type: 'add a "type" (an op: "container/run" or "container/create-volume"; a job: "container")',
  ops: 'add an "ops" array with at least one op, e.g. [{ "type": "container/run", "id": "run", "args": { "image": "ubuntu:24.04" } }]',
  id: 'add a unique id without spaces, e.g. "id": "run-1"',
  args: 'add "args", e.g. { "image": "ubuntu:24.04", "cmd": "echo hello" } for container/run',
  image: 'add an image like "ubuntu:24.04"',
  name: 'add a volume name, e.g. "name": "data"',
  dest: 'add the mount path inside the container, e.g. "dest": "/data"',
  port: 'add the container port, e.g. "port": 8080',
  path: 'add the path to probe, e.g. "path": "/health"',
  method: 'add the HTTP method, e.g. "method": "GET"',
  expected_status: 'add the status a healthy service answers, e.g. "expected_status": 200',
  expected_response: 'add the first message a healthy WebSocket service sends',
  target: 'add the absolute path inside the container to download to, e.g. "target": "/models"',
  repo: 'add the Hugging Face repository, e.g. "repo": "TinyLlama/TinyLlama-1.1B-Chat-v1.0"',
  model: 'add the Ollama model, e.g. "model": "llama3.1:8b"',
  url: 'add the URL to download from',
  regex: 'add the regular expression to match log lines with',
  logType: 'add the streams to search, e.g. "logType": ["stdout"]',
  policy: 'add "policy": "on-failure"',
  __spread__: 'add "__spread__": "%%ops.<id>.results.<key>%%"',
  REGION: 'add the bucket region, e.g. "REGION": "eu-west-1"',
  ACCESS_KEY_ID: 'add the access key id',
  SECRET_ACCESS_KEY: 'add the secret access key',
};

/** Property names people bring from docker-compose, Kubernetes or habit, and the name meant here. */
const propertyAliases: Record<string, string> = {
  command: 'cmd',
  comand: 'cmd',
  args: 'cmd',
  environment: 'env',
  envs: 'env',
  workdir: 'work_dir',
  working_dir: 'work_dir',
  workingDir: 'work_dir',
  ports: 'expose',
  port: 'expose',
  gpus: 'gpu',
  volume: 'volumes',
  mounts: 'volumes',
  restart: 'restart_policy',
  entry_point: 'entrypoint',
  result: 'results',
  depends: 'depends_on',
  dependsOn: 'depends_on',
  healthcheck: 'health_checks',
  health_check: 'health_checks',
  healthChecks: 'health_checks',
};

/** Fix hints for pattern failures, by the `$defs` entry (or property) whose pattern failed. */
const patternHints: Array<[RegExp, string, string]> = [
  [/\/opId\//, 'must not contain whitespace or "%"', 'use letters, digits, "-" or "_", e.g. "train-model"'],
  [
    /\/volumeName\//,
    'is not a valid volume name',
    'use letters, digits, "_", "." and "-", starting with a letter or digit',
  ],
  [/\/literal\//, 'is not a literal', 'write a literal like "%%ops.<id>.results.<key>%%"'],
  [
    /\/exposeString\//,
    'is neither a port range nor a literal',
    'write a range like "8000-8010" or a port number',
  ],
  [/\/portRange\//, 'is not a port range', 'write a range like "8000-8010"'],
  [
    /\/(stringMap|envMap)\/propertyNames/,
    'is not a valid name',
    'names may not be empty or contain "=" or whitespace',
  ],
  [
    /\/results\/propertyNames/,
    'is not a valid result key',
    'result keys may not contain whitespace, "." or "%"',
  ],
  [/\/path\/pattern/, 'must start with "/"', 'write an absolute path like "/health"'],
  [
    /\/urlResource\/properties\/url/,
    'must be an http(s) URL',
    'write a URL like "https://example.com/model.bin"',
  ],
  [/\/sha256\//, 'must be 64 hexadecimal characters', 'write the hex sha256 digest of the file'],
  [/\/repo\//, 'must not contain whitespace', 'write the repository like "owner/name"'],
];

function unknownPropertyIssue(
  error: ErrorObject,
  segments: Array<string | number>,
  params: Record<string, unknown>,
): ValidationIssue {
  const name = String(params.additionalProperty);
  const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const alias = propertyAliases[name];
  const guess = alias !== undefined && allowed.includes(alias) ? alias : closest(name, allowed);
  const hint = guess
    ? `did you mean "${guess}"?`
    : allowed.length > 0
      ? `remove it; allowed here: ${allowed.join(', ')}`
      : 'remove it';
  return issueAt([...segments, name], 'unknown_property', `unknown property "${name}"`, hint);
}

function typeIssue(
  error: ErrorObject,
  segments: Array<string | number>,
  params: Record<string, unknown>,
): ValidationIssue {
  const expected = ([] as string[]).concat(params.type as string | string[]).map((t) => typeNames[t] ?? t);
  const hint =
    expected.length === 1 && expected[0] === 'true or false'
      ? 'write true or false without quotes'
      : expected.includes('an integer') && typeof error.data === 'string' && /^\d+$/.test(error.data)
        ? `write the number without quotes: ${error.data}`
        : undefined;
  return issueAt(segments, 'type', `must be ${listOr(expected)}, got ${describeValue(error.data)}`, hint);
}

function patternIssue(
  error: ErrorObject,
  segments: Array<string | number>,
  params: Record<string, unknown>,
): ValidationIssue {
  if (
    /\/(portRange|exposeString)\//.test(error.schemaPath) &&
    typeof error.data === 'string' &&
    /^\d+$/.test(error.data)
  ) {
    return issueAt(
      segments,
      'pattern',
      `must be a port number, got ${describeValue(error.data)}`,
      `write the number without quotes: ${error.data}`,
    );
  }
  for (const [re, message, hint] of patternHints) {
    if (re.test(error.schemaPath))
      return issueAt(segments, 'pattern', `${message}, got ${describeValue(error.data)}`, hint);
  }
  return issueAt(
    segments,
    'pattern',
    `must match ${String(params.pattern)}, got ${describeValue(error.data)}`,
  );
}

function toIssue(error: ErrorObject): ValidationIssue | undefined {
  const segments = fromPointer(error.instancePath);
  // Errors about an object's key (propertyNames) point at the key itself.
  if (error.propertyName !== undefined) segments.push(error.propertyName);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    // `if`/`then`/`else` failures repeat the errors of the branch that applied; those are reported instead.
    case 'if':
    case 'then':
    case 'else':
      return undefined;
    case 'required': {
      const missing = String(params.missingProperty);
      const hint = requiredHints[missing];
      return issueAt([...segments, missing], 'required', 'required', hint);
    }
    case 'additionalProperties':
      return unknownPropertyIssue(error, segments, params);
    case 'type':
      return typeIssue(error, segments, params);
    case 'const': {
      const allowed = params.allowedValue;
      return issueAt(
        segments,
        'const',
        `must be ${JSON.stringify(allowed)}, got ${describeValue(error.data)}`,
        `write ${JSON.stringify(allowed)}`,
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v));
      const guess =
        typeof error.data === 'string' ? closest(error.data, params.allowedValues as string[]) : undefined;
      return issueAt(
        segments,
        'enum',
        `must be one of ${allowed.join(', ')}, got ${describeValue(error.data)}`,
        guess ? `did you mean "${guess}"?` : undefined,
      );
    }
    case 'pattern':
      return patternIssue(error, segments, params);
    case 'propertyNames':
      // Reported by the nested keyword (pattern, minLength…) on the property name itself.
      return undefined;
    case 'minLength':
      return params.limit === 1
        ? issueAt(segments, 'too_short', 'must not be empty')
        : issueAt(segments, 'too_short', `must be at least ${String(params.limit)} characters long`);
    case 'maxLength':
      return issueAt(
        segments,
        'too_long',
        `must be at most ${String(params.limit)} characters long`,
        'shorten it',
      );
    case 'minItems':
      return issueAt(
        segments,
        'too_short',
        params.limit === 1 ? 'must not be empty' : `must have at least ${String(params.limit)} items`,
      );
    case 'maxItems':
      return issueAt(segments, 'too_long', `must have at most ${String(params.limit)} items`);
    case 'maxProperties':
      return issueAt(segments, 'too_many_properties', `must have at most ${String(params.limit)} entries`);
    case 'minimum':
      return issueAt(segments, 'too_small', `must be ≥ ${String(params.limit)}, got ${String(error.data)}`);
    case 'maximum':
      return issueAt(segments, 'too_large', `must be ≤ ${String(params.limit)}, got ${String(error.data)}`);
    case 'uniqueItems':
      return issueAt(
        segments,
        'duplicate_item',
        `items ${String(params.j)} and ${String(params.i)} are the same`,
        'remove the duplicate',
      );
    default:
      return issueAt(segments, 'invalid', error.message ?? 'is invalid');
  }
}
