import { NosanaCommand } from '../../base-command.js';
import {
  describeMarketNeed,
  summarizeTemplate,
  type TemplateSummary,
  templateSourceFlag,
  templatesFrom,
} from '../../templates.js';

/** What `nosana template list --json` returns. */
export interface TemplateListResult {
  source: string;
  templates: TemplateSummary[];
}

export default class TemplateList extends NosanaCommand<TemplateListResult> {
  static override summary = 'list job-definition templates (built-in or from a source)';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --source ./my-templates',
    '<%= config.bin %> <%= command.id %> --source https://example.org/nosana-templates/index.json --json',
  ];
  static override flags = { source: templateSourceFlag };

  async run(): Promise<TemplateListResult> {
    const { flags } = await this.parse(TemplateList);
    const templates = await templatesFrom(flags.source);
    const width = Math.max(...templates.map((t) => `${t.name}@${t.version}`.length));
    for (const t of templates)
      this.log(
        `${`${t.name}@${t.version}`.padEnd(width)}  ${describeMarketNeed(t.market).padEnd(17)}  ${t.title}`,
      );
    return { source: flags.source ?? 'built-in', templates: templates.map(summarizeTemplate) };
  }
}
