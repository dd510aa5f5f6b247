import { formatIssue, type JobDefinition, NosanaError, parseJobDefinition } from '@nosana/core';
import type { JobTemplate, TemplateParameter } from './types.js';
import './errors.js';

const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9-]*)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([a-z][a-z0-9-]*)\s*\}\}$/;

/** Options of {@link renderTemplate}. */
export interface RenderTemplateParameters {
  template: JobTemplate;
  /** Parameter values by name, as given on the command line; the rest take their defaults. */
  values?: Record<string, string>;
}

/** A rendered template: the validated job definition and the parameter values it was made with. */
export interface RenderTemplateResult {
  definition: JobDefinition;
  values: Record<string, string | number>;
  /** Validation warnings of the definition, formatted. */
  warnings: string[];
}

/**
 * Fills a template's placeholders with the given values (or defaults) and validates the job definition with
 * `@nosana/core`'s schema and semantic rules. Unknown, missing or out-of-range values throw
 * `TEMPLATES__INVALID_PARAMETER`; an invalid result throws `TEMPLATES__INVALID_TEMPLATE`.
 *
 * @example
 * ```ts
 * const { definition } = renderTemplate({ template: findTemplate(BUILTIN_TEMPLATES, 'ollama'), values: { model: 'qwen2.5:7b' } });
 * ```
 */
export function renderTemplate({ template, values = {} }: RenderTemplateParameters): RenderTemplateResult {
  const byName = new Map(template.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(values)) {
    if (!byName.has(name))
      throw new NosanaError(
        'TEMPLATES__INVALID_PARAMETER',
        `template ${template.name} has no parameter "${name}"; its parameters are: ${[...byName.keys()].join(', ') || 'none'}`,
        { template: template.name, parameter: name, value: values[name] ?? '' },
      );
  }
  const resolved: Record<string, string | number> = {};
  for (const parameter of template.parameters)
    resolved[parameter.name] = checkValue(template.name, parameter, values[parameter.name]);
  const filled = fill(template.definition, resolved, template.name);
  const source = `template ${template.name}@${template.version}`;
  const result = parseJobDefinition({ text: JSON.stringify(filled), source: `${source}.json` });
  if (!result.ok) {
    const problems = result.errors.map((issue) => formatIssue(issue));
    throw new NosanaError(
      'TEMPLATES__INVALID_TEMPLATE',
      `${source} with ${JSON.stringify(resolved)} is not a valid job definition: ${problems.join('; ')}. Check the parameter values, or fix the template`,
      { source, problems },
    );
  }
  return { definition: result.definition, values: resolved, warnings: result.warnings.map(formatIssue) };
}

function checkValue(
  template: string,
  parameter: TemplateParameter,
  given: string | undefined,
): string | number {
  const raw = given ?? parameter.default;
  const fail = (why: string) =>
    new NosanaError(
      'TEMPLATES__INVALID_PARAMETER',
      `parameter ${parameter.name} of template ${template} ${why} (${parameter.description})`,
      { template, parameter: parameter.name, ...(raw === undefined ? {} : { value: raw }) },
    );
  if (raw === undefined) throw fail(`is required: pass --param ${parameter.name}=<value>`);
  if (parameter.type === 'integer') {
    if (!/^-?\d+$/.test(raw)) throw fail(`must be a whole number, got "${raw}"`);
    const value = Number(raw);
    if (parameter.min !== undefined && value < parameter.min)
      throw fail(`must be ≥ ${parameter.min}, got ${raw}`);
    if (parameter.max !== undefined && value > parameter.max)
      throw fail(`must be ≤ ${parameter.max}, got ${raw}`);
    return value;
  }
  if (parameter.pattern !== undefined && !new RegExp(`^(?:${parameter.pattern})$`).test(raw))
    throw fail(`must match /${parameter.pattern}/, got "${raw}"`);
  return raw;
}

function fill(value: unknown, values: Record<string, string | number>, template: string): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) return lookup(whole[1]!, values, template);
    return value.replace(PLACEHOLDER, (_, name: string) => String(lookup(name, values, template)));
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, values, template));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, values, template)]));
  return value;
}

function lookup(name: string, values: Record<string, string | number>, template: string): string | number {
  const value = values[name];
  if (value === undefined)
    throw new NosanaError(
      'TEMPLATES__INVALID_TEMPLATE',
      `template ${template} uses {{${name}}}, which is not one of its parameters; declare it in "parameters"`,
      { source: `template ${template}`, problems: [`undeclared placeholder {{${name}}}`] },
    );
  return value;
}
