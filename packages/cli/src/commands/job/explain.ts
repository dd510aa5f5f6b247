import { Args, Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { details, formatSeconds, state } from '../../output.js';

/** What `nosana job explain --json` returns: the indexer's explanation with its reason code. */
export type JobExplainResult = Awaited<ReturnType<import('@nosana/indexer').IndexerClient['explain']>>;

export default class JobExplain extends NosanaCommand<JobExplainResult> {
  static override summary = 'why a job is not running yet: queue position, busy nodes, ETA, reason code';
  static override description =
    'Asks the indexer (--indexer or NOSANA_INDEXER_URL; start one with `nosana indexer start`). Reason codes: RUNNING, FINISHED, DELISTED, NO_NODES, ALL_NODES_BUSY, NODES_NOT_QUEUED, MARKET_CLOSED.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address> --indexer http://127.0.0.1:8090',
  ];
  static override args = { job: Args.string({ description: 'job address', required: true }) };
  static override flags = {
    indexer: Flags.string({
      summary: 'indexer API URL',
      env: 'NOSANA_INDEXER_URL',
      default: 'http://127.0.0.1:8090',
    }),
  };

  async run(): Promise<JobExplainResult> {
    const { args, flags } = await this.parse(JobExplain);
    const { createIndexerClient } = await import('@nosana/indexer');
    const explained = await createIndexerClient({ url: flags.indexer }).explain(args.job);
    this.log(
      details([
        ['job', explained.job],
        ['state', state(explained.status)],
        ['reason', explained.reason],
        ['why', explained.message],
        [
          'position',
          explained.position === null ? undefined : `${explained.position} of ${explained.queueLength}`,
        ],
        [
          'nodes',
          `${explained.nodes.known} known, ${explained.nodes.busy} busy, ${explained.nodes.queued} waiting`,
        ],
        ['ETA', explained.etaSeconds === null ? undefined : `~${formatSeconds(explained.etaSeconds)}`],
      ]),
    );
    return explained;
  }
}
