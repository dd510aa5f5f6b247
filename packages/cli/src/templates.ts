import type { JobTemplate } from '@nosana/templates';
import { Flags } from '@oclif/core';

/** `--source`: a community template source instead of the built-in catalogue. */
export const templateSourceFlag = Flags.string({
  char: 's',
  summary:
    'template source: a folder of *.json templates or an http(s) URL of a JSON index (default: built-in)',
  env: 'NOSANA_TEMPLATE_SOURCE',
});

/** The templates of a source, or the built-in catalogue (the package is loaded lazily). */
export async function templatesFrom(source: string | undefined): Promise<readonly JobTemplate[]> {
  const { BUILTIN_TEMPLATES, loadTemplateSource } = await import('@nosana/templates');
  return source === undefined ? BUILTIN_TEMPLATES : loadTemplateSource({ source });
}

/** One template in `--json` output of list/show (the definition is left to `template use`). */
export interface TemplateSummary {
  name: string;
  version: string;
  title: string;
  description: string;
  market: JobTemplate['market'];
  parameters: JobTemplate['parameters'];
}

/** The JSON form of a template. */
export function summarizeTemplate(t: JobTemplate): TemplateSummary {
  const { name, version, title, description, market, parameters } = t;
  return { name, version, title, description, market, parameters };
}

/** "GPU ≥ 8 GB VRAM" / "CPU". */
export function describeMarketNeed(market: JobTemplate['market']): string {
  if (!market.gpu) return 'CPU';
  return market.minVramGb === undefined ? 'GPU' : `GPU ≥ ${market.minVramGb} GB VRAM`;
}
