import { Args } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import {
  describeMarketNeed,
  summarizeTemplate,
  type TemplateSummary,
  templateSourceFlag,
  templatesFrom,
} from '../../templates.js';

export default class TemplateShow extends NosanaCommand<TemplateSummary> {
  static override summary = 'show a template: what it runs, the market it needs, its parameters';
  static override examples = [
    '<%= config.bin %> <%= command.id %> ollama',
    '<%= config.bin %> <%= command.id %> vllm --json',
  ];
  static override args = { name: Args.string({ description: 'template name', required: true }) };
  static override flags = { source: templateSourceFlag };

  async run(): Promise<TemplateSummary> {
    const { args, flags } = await this.parse(TemplateShow);
    const { findTemplate } = await import('@nosana/templates');
    const template = findTemplate(await templatesFrom(flags.source), args.name);
    this.log(`${template.name}@${template.version} — ${template.title}`);
    this.log(template.description);
    this.log(`market: ${describeMarketNeed(template.market)}: ${template.market.note}`);
    this.log('parameters (--param name=value):');
    for (const p of template.parameters) {
      const range =
        p.type === 'integer' && (p.min !== undefined || p.max !== undefined)
          ? ` ${p.min ?? ''}..${p.max ?? ''}`
          : '';
      const fallback = p.default === undefined ? 'required' : `default ${JSON.stringify(p.default)}`;
      this.log(`  ${p.name} (${p.type}${range}, ${fallback}): ${p.description}`);
    }
    return summarizeTemplate(template);
  }
}
