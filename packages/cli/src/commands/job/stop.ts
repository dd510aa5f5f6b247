import { Args } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

/** What `nosana job stop --json` returns. */
export interface JobStopResult {
  job: string;
  /** `delist`: it was queued (full refund); `end`: it was running (the node is paid for the time it ran). */
  action: 'delist' | 'end';
  signature: string;
}

export default class JobStop extends NetworkCommand<JobStopResult> {
  static override summary = 'stop a job: a queued one is delisted (full refund), a running one ended';
  static override description =
    'A running job is ended on chain: its node is paid for the time it ran, the rest of the deposit comes back, and the node stops the containers and posts the partial result.';
  static override examples = ['<%= config.bin %> <%= command.id %> <job-address>'];
  static override args = {
    job: Args.string({
      ignoreStdin: true,
      description: 'job address',
      required: true,
    }),
  };

  async run(): Promise<JobStopResult> {
    const { args, flags } = await this.parse(JobStop);
    await solanaAddress(args.job, 'the job argument');
    const client = await this.client(flags, { wallet: 'read' });
    const { action, signature } = await spin(this.jsonEnabled(), 'Stopping the job', () =>
      client.jobs.stop(args.job),
    );
    this.log(
      action === 'delist'
        ? `Delisted job ${args.job}: the deposit is back.`
        : `Ended job ${args.job}: its node is paid for the time it ran, the rest is back.`,
    );
    return { job: args.job, action, signature };
  }
}
