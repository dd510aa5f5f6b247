import { Args, ux } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { type JobValidateResult, validateFiles } from '../../validate-files.js';

export type { JobValidateResult, ValidatedFile } from '../../validate-files.js';

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
    return validateFiles({
      files: argv as string[],
      log: (line) => this.log(line),
      warn: (message) => this.warnUser(message),
      colorize: (color, text) => ux.colorize(color, text),
    });
  }
}
