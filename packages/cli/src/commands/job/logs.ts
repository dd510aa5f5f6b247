import { Args, Flags } from '@oclif/core';
import { solanaAddress } from '../../input.js';
import { nodeApiFlag, nodeApiResolver, resultLogLines, streamLogs } from '../../jobs.js';
import { NetworkCommand } from '../../network-command.js';

/** What `nosana job logs --json` returns. */
export interface JobLogsResult {
  job: string;
  /** Where the lines came from: the posted result, or the node while the job runs. */
  source: 'result' | 'node';
  logs: Array<{ opId: string; type: string; log: string; timestamp: number }>;
}

export default class JobLogs extends NetworkCommand<JobLogsResult> {
  static override summary = 'print a job’s logs: from its result, or live from its node (--follow)';
  static override description =
    'A finished job’s logs come from its result on IPFS. A running job’s logs come from the node running it, which only answers the job’s poster (the request is signed with the wallet).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address>',
    '<%= config.bin %> <%= command.id %> <job-address> --follow',
  ];
  static override args = {
    job: Args.string({
      ignoreStdin: true,
      description: 'job address',
      required: true,
    }),
  };
  static override flags = {
    follow: Flags.boolean({ char: 'f', summary: 'keep printing new lines until the job ends' }),
    'node-api': nodeApiFlag,
  };

  async run(): Promise<JobLogsResult> {
    const { args, flags } = await this.parse(JobLogs);
    await solanaAddress(args.job, 'the job argument');
    const client = await this.client(flags, { wallet: 'none' });
    const { NosanaError, isNosanaError } = await import('@nosana/core');
    const job = await client.jobs.get(args.job);
    if (job.result) {
      const flow = (await client.jobs.result(job))!;
      for (const line of resultLogLines(flow)) this.log(line);
      return {
        job: args.job,
        source: 'result',
        logs: flow.opStates.flatMap((op) => op.logs.map((l) => ({ opId: op.operationId, ...l }))),
      };
    }
    const url = (await nodeApiResolver(flags['node-api'], client.network))(job.node?.toBase58());
    if (job.state !== 'RUNNING' || !url) {
      this.log(
        job.state === 'RUNNING'
          ? 'The job runs; its logs are in its result once it ends (pass --node-api to read them live).'
          : `The job is ${job.state} and has no logs yet.`,
      );
      return { job: args.job, source: 'result', logs: [] };
    }
    // The node answers the poster only: requests are signed with the wallet.
    if (!this.wallet) await this.client(flags, { wallet: 'read' });
    const wallet = await this.keypair();
    const logs: JobLogsResult['logs'] = [];
    const stop = new AbortController();
    // Without --follow: what the node has buffered, then return.
    const done = flags.follow
      ? client.jobs.waitFor(args.job, (j) => j.state !== 'RUNNING', { pollMs: 2000 })
      : new Promise((resolve) => setTimeout(resolve, 500));
    void done.then(
      () => stop.abort(),
      () => stop.abort(),
    );
    await streamLogs({
      url,
      job: args.job,
      wallet,
      signal: stop.signal,
      onLog: (entry) => {
        logs.push({ opId: entry.opId ?? '', type: entry.type, log: entry.log, timestamp: entry.timestamp });
        this.log(entry.log);
      },
    }).catch((error: Error) => {
      const status = isNosanaError(error, 'CLI__NODE_STREAM_REFUSED') ? error.context.status : undefined;
      if (status === 401 || status === 403) {
        throw new NosanaError(
          'CLI__NODE_REFUSED',
          `the node at ${url} refused the logs: ${error.message} — only the job's poster may read them (use its wallet)`,
          { url, status },
          { cause: error },
        );
      }
      throw new NosanaError(
        'CLI__NODE_UNREACHABLE',
        `cannot read the logs from the node at ${url}: ${error.message} — pass --node-api <url> when the node does not publish its API through the gateway`,
        { url },
        { cause: error },
      );
    });
    return { job: args.job, source: 'node', logs };
  }
}
