import { Args, Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { requiredIndexer } from '../../indexer-discovery.js';
import { networkFlags } from '../../network.js';
import { details, formatSeconds, state } from '../../output.js';

/** What `nosana job explain --json` returns: the indexer's explanation with its reason code. */
export type JobExplainResult = Awaited<ReturnType<import('@nosana/indexer').IndexerClient['explain']>>;

export default class JobExplain extends NosanaCommand<JobExplainResult> {
  static override summary = 'why a job is not running yet: queue position, busy nodes, ETA, reason code';
  static override description =
    'Asks the indexer (--indexer or NOSANA_INDEXER_URL, else the one the localnet announces, else http://127.0.0.1:8090; `nosana localnet start` or `nosana indexer start` runs one). Reason codes: RUNNING, FINISHED, DELISTED, NO_NODES, ALL_NODES_BUSY, NODES_NOT_QUEUED, MARKET_CLOSED.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> <job-address> --indexer http://127.0.0.1:8090',
  ];
  static override args = { job: Args.string({ description: 'job address', required: true }) };
  static override flags = {
    indexer: Flags.string({
      summary: "indexer API URL (default: the localnet's, else http://127.0.0.1:8090)",
      env: 'NOSANA_INDEXER_URL',
    }),
    network: networkFlags.network,
    rpc: networkFlags.rpc,
  };

  async run(): Promise<JobExplainResult> {
    const { args, flags } = await this.parse(JobExplain);
    const { createIndexerClient } = await import('@nosana/indexer');
    const explained = await createIndexerClient({ url: await requiredIndexer(flags) }).explain(args.job);
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
