import { Args } from '@oclif/core';
import { downloadJob } from '../../jobs.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

/** What `nosana job download --json` returns. */
export interface JobDownloadResult {
  job: string;
  files: string[];
}

export default class JobDownload extends NetworkCommand<JobDownloadResult> {
  static override summary = 'save a job’s definition, result and per-op logs into a directory';
  static override description =
    'Writes <dir>/<job>/job-definition.json, result.json and one <op>.log per op. Both documents are verified against their CIDs.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address>',
    '<%= config.bin %> <%= command.id %> <job-address> ./results',
  ];
  static override args = {
    job: Args.string({
      ignoreStdin: true,
      description: 'job address',
      required: true,
    }),
    dir: Args.string({
      ignoreStdin: true,
      description: 'target directory',
      default: '.',
    }),
  };

  async run(): Promise<JobDownloadResult> {
    const { args, flags } = await this.parse(JobDownload);
    const client = await this.client(flags, { wallet: 'none' });
    const job = await client.jobs.get(args.job);
    if (!job.result)
      this.warnUser(`job ${args.job} is ${job.state} and has no result yet: only its definition is saved`);
    const files = await spin(this.jsonEnabled(), 'Downloading', () => downloadJob(client, job, args.dir));
    for (const file of files) this.log(file);
    return { job: args.job, files };
  }
}
