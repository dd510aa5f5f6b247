import { Flags } from '@oclif/core';
import { parseJobState, solanaAddress } from '../../input.js';
import { type JobSummary, summarizeJob } from '../../jobs.js';
import { NetworkCommand } from '../../network-command.js';
import { formatSeconds, spin, state, table } from '../../output.js';

/** What `nosana job list --json` returns. */
export interface JobListResult {
  jobs: JobSummary[];
}

export default class JobList extends NetworkCommand<JobListResult> {
  static override summary = 'list jobs, newest first, filtered by market, state, node or poster';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --mine',
    '<%= config.bin %> <%= command.id %> --market cpu --state running',
    '<%= config.bin %> <%= command.id %> --node <node-address> --limit 5 --json',
  ];
  static override flags = {
    market: Flags.string({ char: 'm', summary: 'market address (or name on localnet)' }),
    state: Flags.string({
      char: 's',
      summary: 'job state: QUEUED, RUNNING, COMPLETED or STOPPED (any case)',
    }),
    node: Flags.string({ summary: 'jobs run by this node' }),
    poster: Flags.string({ summary: 'jobs posted by this address' }),
    mine: Flags.boolean({ summary: 'jobs posted by the wallet', exclusive: ['poster'] }),
    limit: Flags.integer({ char: 'l', summary: 'at most this many', default: 20, min: 1 }),
  };

  async run(): Promise<JobListResult> {
    const { flags } = await this.parse(JobList);
    const jobState = flags.state === undefined ? undefined : await parseJobState(flags.state);
    for (const [flag, value] of [
      ['node', flags.node],
      ['poster', flags.poster],
    ] as const)
      if (value !== undefined) await solanaAddress(value, `--${flag}`);
    const client = await this.client(flags, { wallet: flags.mine ? 'read' : 'none' });
    const poster = flags.mine ? client.address().toBase58() : flags.poster;
    const jobs = await spin(this.jsonEnabled(), 'Fetching jobs', () =>
      client.jobs.list({
        ...(flags.market ? { market: flags.market } : {}),
        ...(jobState ? { state: jobState } : {}),
        ...(flags.node ? { node: flags.node } : {}),
        ...(poster ? { project: poster } : {}),
        limit: flags.limit,
      }),
    );
    const now = Math.floor(Date.now() / 1000);
    this.log(
      jobs.length === 0
        ? 'No jobs match.'
        : table(jobs, [
            { header: 'JOB', get: (j) => j.address.toBase58() },
            { header: 'STATE', get: (j) => state(j.state) },
            { header: 'NODE', get: (j) => j.node?.toBase58() ?? '' },
            {
              header: 'RAN',
              get: (j) => (j.timeStart > 0 ? formatSeconds((j.timeEnd || now) - j.timeStart) : ''),
              align: 'right',
            },
            { header: 'RESULT', get: (j) => j.result ?? '' },
          ]),
    );
    return { jobs: jobs.map(summarizeJob) };
  }
}
