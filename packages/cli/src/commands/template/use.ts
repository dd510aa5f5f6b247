import { writeFile } from 'node:fs/promises';
import type { JobDefinition } from '@nosana/core';
import type { CompareWithCloudResult } from '@nosana/templates';
import { Args, Flags } from '@oclif/core';
import { cloudGpuFlag, jobCost, nosUsdFlag } from '../../cloud-price.js';
import { parseTimeout } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { details, spin } from '../../output.js';
import { templateSourceFlag, templatesFrom } from '../../templates.js';

/** What `nosana template use --json` returns. */
export interface TemplateUseResult {
  template: string;
  version: string;
  values: Record<string, string | number>;
  /** The file written with --output, or null when the definition went to standard output. */
  output: string | null;
  definition: JobDefinition;
  /** With --dry-run: what posting it to --market would cost (nothing was posted). */
  dryRun?: {
    market: string;
    /** NOS base units: price × timeout. */
    deposit: string;
    timeout: number;
    cost: CompareWithCloudResult | null;
  };
}

export default class TemplateUse extends NetworkCommand<TemplateUseResult> {
  static override summary = 'fill in a template and print or write the validated job definition';
  static override description =
    'Fills the template parameters from --param (the rest take their defaults), validates the job definition with the schema and semantic rules, and prints it or writes it with --output. Post it with `nosana job post -f <file>`. With --dry-run and --market it also shows what posting it would cost (price × timeout) and, with --nos-usd, the same time on the cheapest on-demand cloud GPU with the VRAM the template asks for.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> ollama --param model=qwen2.5:7b --param vram=12 -o job.json',
    '<%= config.bin %> <%= command.id %> ollama -o job.json && <%= config.bin %> job post -f job.json --market gpu',
    '<%= config.bin %> <%= command.id %> web-service -p port=8081 --json',
    '<%= config.bin %> <%= command.id %> ollama --model llama3.1:8b --market gpu --dry-run --nos-usd 0.5',
  ];
  static override args = { name: Args.string({ description: 'template name', required: true }) };
  static override flags = {
    param: Flags.string({ char: 'p', summary: 'a parameter value, name=value (repeatable)', multiple: true }),
    output: Flags.string({
      char: 'o',
      summary: 'write the job definition to this file instead of printing it',
    }),
    source: templateSourceFlag,
    model: Flags.string({ summary: 'the model parameter (same as --param model=<value>)' }),
    'dry-run': Flags.boolean({
      summary: 'also show what posting it to --market would cost; nothing is posted',
    }),
    market: Flags.string({
      char: 'm',
      summary: 'with --dry-run: the market to price it in (address, or name on localnet)',
      dependsOn: ['dry-run'],
    }),
    timeout: Flags.string({
      char: 't',
      summary: 'with --dry-run: how long the job may run: minutes (60), or 90s, 30m, 2h',
      default: '60',
    }),
    'nos-usd': nosUsdFlag,
    'cloud-gpu': cloudGpuFlag,
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
    if (flags.model !== undefined) values.model = flags.model;
    if (flags['dry-run'] && flags.market === undefined)
      throw new NosanaError('CLI__INVALID_FLAG', '--dry-run needs --market <market> to price the job in', {
        flag: 'market',
        value: '',
      });
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
    const result: TemplateUseResult = {
      template: template.name,
      version: template.version,
      values: rendered.values,
      output: flags.output ?? null,
      definition: rendered.definition,
    };
    if (!flags['dry-run'] || flags.market === undefined) return result;
    const core = await import('@nosana/core');
    const timeout = await parseTimeout(flags.timeout);
    const client = await this.client(flags, { wallet: 'none' });
    const market = await spin(this.jsonEnabled(), 'Fetching the market', () =>
      client.markets.get(flags.market!),
    );
    const { total: deposit } = core.jobDeposit({ price: market.jobPrice, timeout });
    const cost = await jobCost({
      definition: rendered.definition,
      market,
      timeout,
      nosUsd: flags['nos-usd'],
      cloudGpu: flags['cloud-gpu'],
    });
    this.log(
      details([
        ['market', market.name ? `${market.name} (${market.address.toBase58()})` : market.address.toBase58()],
        ['price', `${core.formatNos(core.pricePerHour(market.jobPrice))} NOS/h`],
        ['timeout', core.formatDuration(timeout)],
        ['deposit', `${core.formatNos(deposit)} NOS (the most it can cost; the unused part is refunded)`],
        ...cost.entries,
      ]),
    );
    this.log(
      'Dry run: nothing was posted. Post it with -o job.json, then nosana job post -f job.json --market …',
    );
    result.dryRun = {
      market: market.address.toBase58(),
      deposit: deposit.toString(),
      timeout,
      cost: cost.comparison,
    };
    return result;
  }
}
