import { Args, Flags } from '@oclif/core';
import { DeploymentCommand } from '../../deployment-command.js';

/** What `nosana deployment logs --json` returns: which replica's logs were printed. */
export interface DeploymentLogsResult {
  deployment: string;
  job: string;
}

export default class DeploymentLogs extends DeploymentCommand<DeploymentLogsResult> {
  static override summary = 'print the logs of a deployment’s replica (the newest running one by default)';
  static override description =
    'The logs come from the job’s result, or live from its node (`nosana job logs`).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <deployment-id>',
    '<%= config.bin %> <%= command.id %> <deployment-id> --job <job-address> --follow',
  ];
  static override args = { id: Args.string({ description: 'deployment id', required: true }) };
  static override flags = {
    job: Flags.string({ summary: 'which replica (job address); default the newest running one' }),
    follow: Flags.boolean({ char: 'f', summary: 'keep printing new lines until the job ends' }),
  };

  async run(): Promise<DeploymentLogsResult> {
    const { args, flags } = await this.parse(DeploymentLogs);
    const { NosanaError } = await import('@nosana/core');
    const view = await (await this.backend(flags)).get(args.id);
    const jobs = (view.jobs as Array<{ address: string; state: string; listedAt: number }>) ?? [];
    const running = jobs.filter((j) => j.state === 'RUNNING').sort((a, b) => b.listedAt - a.listedAt);
    const job = flags.job ?? running[0]?.address ?? jobs.at(-1)?.address;
    if (!job || !jobs.some((j) => j.address === job)) {
      throw new NosanaError(
        'CLI__INVALID_FLAG',
        flags.job
          ? `job ${flags.job} is not a replica of deployment ${args.id} — see \`nosana deployment get ${args.id}\``
          : `deployment ${args.id} has no jobs yet`,
        { flag: 'job', value: flags.job ?? '' },
      );
    }
    const forwarded = [
      '--network',
      flags.network,
      ...(flags.rpc ? ['--rpc', flags.rpc] : []),
      ...(flags.wallet ? ['--wallet', flags.wallet] : []),
      ...(flags.ipfs ? ['--ipfs', flags.ipfs] : []),
    ];
    if (!this.jsonEnabled())
      await this.config.runCommand('job:logs', [job, ...forwarded, ...(flags.follow ? ['--follow'] : [])]);
    return { deployment: args.id, job };
  }
}
