import { readFile } from 'node:fs/promises';
import type { ValidationIssue } from '@nosana/core';
import { Args, ux } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';

/** Summary of one valid job definition. */
export interface ValidatedFile {
  source: string;
  ops: number;
  groups: string[];
  images: string[];
  gpu: boolean;
  exposedServices: number;
  warnings: Array<Pick<ValidationIssue, 'path' | 'message' | 'code'>>;
}

/** What `nosana job validate --json` returns when every file is valid. */
export interface JobValidateResult {
  files: ValidatedFile[];
}

export default class JobValidate extends NosanaCommand<JobValidateResult> {
  static override summary = 'check job definitions without posting them';
  static override description =
    'Validates JSON or YAML job definitions against the job definition schema and its semantic rules (unique op ids, dependencies, volumes, ports, literals). Every problem is reported at once with its path, line and a fix. Nothing is sent anywhere.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> examples/hello-world.json',
    '<%= config.bin %> <%= command.id %> examples/*.json',
    'cat job.yaml | <%= config.bin %> <%= command.id %> -',
    '<%= config.bin %> <%= command.id %> job.json --json',
  ];
  static override strict = false;
  static override args = {
    file: Args.string({
      ignoreStdin: true,
      description: 'job definition files (.json, .yaml, .yml), or - for standard input',
      required: true,
    }),
  };

  async run(): Promise<JobValidateResult> {
    const { argv } = await this.parse(JobValidate);
    const files = argv as string[];
    const { groupOperations, formatIssue, invalidJobDefinitionError, NosanaError, parseJobDefinition } =
      await import('@nosana/core');
    const valid: ValidatedFile[] = [];
    const invalid: Array<{ source: string; issues: ValidationIssue[] }> = [];
    for (const file of files) {
      const source = file === '-' ? '<stdin>' : file;
      const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      const result = parseJobDefinition({ text, source });
      for (const warning of result.warnings) this.warnUser(`${source}: ${formatIssue(warning)}`);
      if (!result.ok) {
        invalid.push({ source, issues: result.errors });
        continue;
      }
      const { definition } = result;
      const runs = definition.ops.flatMap((op) => (op.type === 'container/run' ? [op] : []));
      const summary: ValidatedFile = {
        source,
        ops: definition.ops.length,
        groups: groupOperations(definition.ops).map((g) => g.name),
        images: [...new Set(runs.map((op) => op.args.image ?? definition.global?.image ?? '?'))],
        gpu: runs.some((op) => op.args.gpu ?? definition.global?.gpu ?? false),
        exposedServices: runs.filter((op) => op.args.expose !== undefined).length,
        warnings: result.warnings.map(({ path, message, code }) => ({ path, message, code })),
      };
      valid.push(summary);
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      const extras = [
        summary.gpu ? 'needs a GPU' : '',
        summary.exposedServices > 0 ? `${plural(summary.exposedServices, 'service')} exposed` : '',
      ].filter(Boolean);
      this.log(
        `${ux.colorize('green', '✔')} ${source} is a valid job definition: ${plural(summary.ops, 'op')} in ${plural(summary.groups.length, 'group')}${extras.length ? `, ${extras.join(', ')}` : ''} (${summary.images.join(', ')})`,
      );
    }
    if (invalid.length === 1 && files.length === 1)
      throw invalidJobDefinitionError(invalid[0]!.issues, invalid[0]!.source);
    if (invalid.length > 0) {
      const count = invalid.reduce((n, f) => n + f.issues.length, 0);
      throw new NosanaError(
        'CLI__JOB_DEFINITIONS_INVALID',
        `${invalid.length} of ${files.length} job definitions are invalid (${count} error${count === 1 ? '' : 's'})`,
        { files: invalid },
      );
    }
    return { files: valid };
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
