import { NosanaError } from '@nosana/core';
import { renderTemplate } from './render.js';
import type { JobTemplate, TemplateParameter } from './types.js';
import './errors.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * Checks that an untrusted value (a parsed template file from a community source) is a well-formed
 * {@link JobTemplate}, and that it renders with its defaults into a valid job definition. Throws
 * `TEMPLATES__INVALID_TEMPLATE` listing every problem.
 *
 * @example
 * ```ts
 * const template = parseTemplateDocument(JSON.parse(text), 'https://example.org/templates.json#ollama');
 * ```
 */
export function parseTemplateDocument(value: unknown, source: string): JobTemplate {
  const problems: string[] = [];
  const record = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!record(value)) throw invalid(source, ['the template must be a JSON object']);
  const text = (key: string, pattern?: RegExp) => {
    const v = value[key];
    if (typeof v !== 'string' || v.length === 0 || v.length > 2000)
      problems.push(`"${key}" must be a non-empty string`);
    else if (pattern && !pattern.test(v)) problems.push(`"${key}" must match ${pattern}, got "${v}"`);
  };
  text('name', NAME);
  text('version', VERSION);
  text('title');
  text('description');
  const market = value.market;
  if (!record(market) || typeof market.gpu !== 'boolean' || typeof market.note !== 'string')
    problems.push('"market" must be an object with "gpu" (boolean) and "note" (string)');
  else if (market.minVramGb !== undefined && !(typeof market.minVramGb === 'number' && market.minVramGb > 0))
    problems.push('"market.minVramGb" must be a positive number');
  const parameters = Array.isArray(value.parameters) ? value.parameters : null;
  if (!parameters) problems.push('"parameters" must be an array');
  else problems.push(...parameters.flatMap((p, i) => parameterProblems(p, i)));
  if (!record(value.definition)) problems.push('"definition" must be a job definition object');
  if (problems.length > 0) throw invalid(source, problems);
  const template = value as unknown as JobTemplate;
  try {
    renderTemplate({ template });
  } catch (error) {
    throw invalid(source, [`it does not render with its defaults: ${(error as Error).message}`], error);
  }
  return template;
}

function parameterProblems(p: unknown, i: number): string[] {
  const at = `parameters[${i}]`;
  if (p === null || typeof p !== 'object') return [`${at} must be an object`];
  const parameter = p as Partial<TemplateParameter>;
  const problems: string[] = [];
  if (typeof parameter.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(parameter.name))
    problems.push(`${at}.name must be kebab-case`);
  if (parameter.type !== 'string' && parameter.type !== 'integer')
    problems.push(`${at}.type must be "string" or "integer"`);
  if (typeof parameter.description !== 'string') problems.push(`${at}.description must be a string`);
  if (parameter.default !== undefined && typeof parameter.default !== 'string')
    problems.push(`${at}.default must be a string`);
  if (parameter.pattern !== undefined) {
    try {
      new RegExp(parameter.pattern);
    } catch {
      problems.push(`${at}.pattern is not a valid regular expression`);
    }
  }
  return problems;
}

function invalid(
  source: string,
  problems: string[],
  cause?: unknown,
): NosanaError<'TEMPLATES__INVALID_TEMPLATE'> {
  return new NosanaError(
    'TEMPLATES__INVALID_TEMPLATE',
    `${source} is not a valid template: ${problems.join('; ')}`,
    { source, problems },
    cause === undefined ? {} : { cause },
  );
}

/**
 * Finds a template by name, throwing `TEMPLATES__NOT_FOUND` (with the available names) when absent.
 *
 * @example
 * ```ts
 * const template = findTemplate(BUILTIN_TEMPLATES, 'vllm');
 * ```
 */
export function findTemplate(templates: readonly JobTemplate[], name: string): JobTemplate {
  const found = templates.find((t) => t.name === name);
  if (found) return found;
  const available = templates.map((t) => t.name);
  throw new NosanaError(
    'TEMPLATES__NOT_FOUND',
    `no template named "${name}"; available: ${available.join(', ') || 'none'} (see nosana template list)`,
    { name, available },
  );
}
