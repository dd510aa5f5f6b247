import { Args, Flags } from '@oclif/core';
import { parseTimeout, solanaAddress } from '../../input.js';
import { NetworkCommand } from '../../network-command.js';
import { spin } from '../../output.js';

/** What `nosana job extend --json` returns. */
export interface JobExtendResult {
  job: string;
  /** The new timeout in seconds. */
  timeout: number;
  /** NOS base units added to the deposit. */
  added: string;
  signature: string;
}

export default class JobExtend extends NetworkCommand<JobExtendResult> {
  static override summary = 'give a queued or running job more time, depositing the difference';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address> --timeout +30m',
    '<%= config.bin %> <%= command.id %> <job-address> -t 30',
  ];
  static override args = {
    job: Args.string({
      ignoreStdin: true,
      description: 'job address',
      required: true,
    }),
  };
  static override flags = {
    timeout: Flags.string({
      char: 't',
      summary: 'time to add: minutes (30), or with units: +30m, 1h, 90s',
      required: true,
    }),
  };

  async run(): Promise<JobExtendResult> {
    const { args, flags } = await this.parse(JobExtend);
    const { formatDuration, formatNos } = await import('@nosana/core');
    const seconds = await parseTimeout(flags.timeout.replace(/^\+/, ''));
    await solanaAddress(args.job, 'the job argument');
    const client = await this.client(flags, { wallet: 'read' });
    const job = await client.jobs.get(args.job);
    const { timeout, signature } = await spin(this.jsonEnabled(), 'Extending the job', () =>
      client.jobs.extend(args.job, seconds),
    );
    const added = job.price * BigInt(seconds);
    this.log(
      `Job ${args.job} may now run ${formatDuration(timeout)} (${formatNos(added)} NOS added to the deposit).`,
    );
    return { job: args.job, timeout, added: added.toString(), signature };
  }
}
