import { Args } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

/** What `nosana job recover --json` returns. */
export interface JobRecoverResult {
  job: string;
  signature: string;
}

export default class JobRecover extends NetworkCommand<JobRecoverResult> {
  static override summary = 'get back the deposit of a job its node gave up (STOPPED)';
  static override examples = ['<%= config.bin %> <%= command.id %> <job-address>'];
  static override args = {
    job: Args.string({
      ignoreStdin: true,
      description: 'job address',
      required: true,
    }),
  };

  async run(): Promise<JobRecoverResult> {
    const { args, flags } = await this.parse(JobRecover);
    await solanaAddress(args.job, 'the job argument');
    const client = await this.client(flags, { wallet: 'read' });
    // Checked before sending, so a wrong job gets a clear message instead of a program error.
    const job = await spin(this.jsonEnabled(), 'Fetching the job', () => client.jobs.get(args.job));
    const { NosanaError } = await import('@nosana/core');
    if (job.state !== 'STOPPED')
      throw new NosanaError(
        'CLI__JOB_WRONG_STATE',
        `job ${args.job} is ${job.state}: recover only returns the deposit of a job its node gave up (STOPPED)${job.state === 'QUEUED' || job.state === 'RUNNING' ? ` — stop it with nosana job stop ${args.job}` : ''}`,
        { job: args.job, state: job.state, expected: 'STOPPED' },
      );
    if (!job.project.equals(client.address()))
      throw new NosanaError(
        'CLI__JOB_WRONG_STATE',
        `job ${args.job} was posted by ${job.project.toBase58()}, not by this wallet (${client.address().toBase58()}) — only its poster can recover it (--wallet)`,
        { job: args.job, state: job.state, expected: 'posted by this wallet' },
      );
    const { signature } = await spin(this.jsonEnabled(), 'Recovering the deposit', () =>
      client.jobs.recover(args.job),
    );
    this.log(`Recovered the deposit of job ${args.job}.`);
    return { job: args.job, signature };
  }
}
