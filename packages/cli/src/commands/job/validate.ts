import { readFile } from 'node:fs/promises';
import { Args, ux } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';

/** What `nosana job validate --json` returns for a valid definition. */
export interface JobValidateResult {
  source: string;
  valid: true;
  ops: number;
  groups: string[];
  images: string[];
  gpu: boolean;
  exposedPorts: number;
  warnings: Array<{ path: string; message: string; code: string }>;
}

export default class JobValidate extends NosanaCommand<JobValidateResult> {
  static override summary = 'check a job definition without posting it';
  static override description =
    'Validates a JSON or YAML job definition against the job definition schema and its semantic rules (unique op ids, dependencies, volumes, ports, literals). Every problem is reported at once with its path, line and a fix. Nothing is sent anywhere.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> examples/hello-world.json',
    'cat job.yaml | <%= config.bin %> <%= command.id %> -',
    '<%= config.bin %> <%= command.id %> job.json --json',
  ];
  static override args = {
    file: Args.string({
      description: 'job definition file (.json, .yaml, .yml), or - for standard input',
      required: true,
    }),
  };

  async run(): Promise<JobValidateResult> {
    const { args } = await this.parse(JobValidate);
    const source = args.file === '-' ? '<stdin>' : args.file;
    const text = args.file === '-' ? await readStdin() : await readFile(args.file, 'utf8');
    const { groupOperations, invalidJobDefinitionError, parseJobDefinition, formatIssue } = await import(
      '@nosana/core'
    );
    const result = parseJobDefinition({ text, source });
    for (const warning of result.warnings) this.warnUser(formatIssue(warning));
    if (!result.ok) throw invalidJobDefinitionError(result.errors, source);

    const { definition } = result;
    const runs = definition.ops.flatMap((op) => (op.type === 'container/run' ? [op] : []));
    const images = [...new Set(runs.map((op) => op.args.image ?? definition.global?.image ?? '?'))];
    const groups = groupOperations(definition.ops).map((g) => g.name);
    const gpu = runs.some((op) => op.args.gpu ?? definition.global?.gpu ?? false);
    const exposedPorts = runs.filter((op) => op.args.expose !== undefined).length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    this.log(
      `${ux.colorize('green', '✔')} ${source} is a valid job definition: ${plural(definition.ops.length, 'op')} in ${plural(groups.length, 'group')}` +
        `${gpu ? ', needs a GPU' : ''}${exposedPorts > 0 ? `, ${plural(exposedPorts, 'service')} exposed` : ''}`,
    );
    this.log(`  images: ${images.join(', ')}`);
    return {
      source,
      valid: true,
      ops: definition.ops.length,
      groups,
      images,
      gpu,
      exposedPorts,
      warnings: result.warnings.map(({ path, message, code }) => ({ path, message, code })),
    };
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
