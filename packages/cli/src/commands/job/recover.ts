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
    const { signature } = await spin(this.jsonEnabled(), 'Recovering the deposit', () =>
      client.jobs.recover(args.job),
    );
    this.log(`Recovered the deposit of job ${args.job}.`);
    return { job: args.job, signature };
  }
}
