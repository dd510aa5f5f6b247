import { writeFile } from 'node:fs/promises';
import type { JobDefinition } from '@nosana/core';
import { Args, Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { templateSourceFlag, templatesFrom } from '../../templates.js';

/** What `nosana template use --json` returns. */
export interface TemplateUseResult {
  template: string;
  version: string;
  values: Record<string, string | number>;
  /** The file written with --output, or null when the definition went to standard output. */
  output: string | null;
  definition: JobDefinition;
}

export default class TemplateUse extends NosanaCommand<TemplateUseResult> {
  static override summary = 'fill in a template and print or write the validated job definition';
  static override description =
    'Fills the template parameters from --param (the rest take their defaults), validates the job definition with the schema and semantic rules, and prints it or writes it with --output. Post it with `nosana job post -f <file>`.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> ollama --param model=qwen2.5:7b --param vram=12 -o job.json',
    '<%= config.bin %> <%= command.id %> ollama -o job.json && <%= config.bin %> job post -f job.json --market gpu',
    '<%= config.bin %> <%= command.id %> web-service -p port=8081 --json',
  ];
  static override args = { name: Args.string({ description: 'template name', required: true }) };
  static override flags = {
    param: Flags.string({ char: 'p', summary: 'a parameter value, name=value (repeatable)', multiple: true }),
    output: Flags.string({
      char: 'o',
      summary: 'write the job definition to this file instead of printing it',
    }),
    source: templateSourceFlag,
  };

  async run(): Promise<TemplateUseResult> {
    const { args, flags } = await this.parse(TemplateUse);
    const { NosanaError } = await import('@nosana/core');
    const values: Record<string, string> = {};
    for (const entry of flags.param ?? []) {
      const at = entry.indexOf('=');
      if (at <= 0)
        throw new NosanaError(
          'CLI__INVALID_FLAG',
          `--param ${entry} is not name=value; e.g. --param model=llama3.1:8b`,
          { flag: 'param', value: entry },
        );
      values[entry.slice(0, at)] = entry.slice(at + 1);
    }
    const { findTemplate, renderTemplate } = await import('@nosana/templates');
    const template = findTemplate(await templatesFrom(flags.source), args.name);
    const rendered = renderTemplate({ template, values });
    for (const warning of rendered.warnings) this.warnUser(warning);
    const text = `${JSON.stringify(rendered.definition, null, 2)}\n`;
    if (flags.output) {
      await writeFile(flags.output, text, { flag: 'w' });
      this.log(
        `Wrote ${flags.output}: ${template.name}@${template.version} with ${Object.entries(rendered.values)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}. Post it with: nosana job post -f ${flags.output}`,
      );
    } else this.log(text.trimEnd());
    return {
      template: template.name,
      version: template.version,
      values: rendered.values,
      output: flags.output ?? null,
      definition: rendered.definition,
    };
  }
}
