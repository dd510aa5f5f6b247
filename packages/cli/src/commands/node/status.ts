import { Flags } from '@oclif/core';
import { NosanaCommand } from '../../base-command.js';
import { details, formatSeconds, state, table } from '../../output.js';

/** What the node API's `/node/info` answers, and `nosana node status --json` returns. */
export interface NodeStatusResult {
  address: string;
  state: string;
  market: string | null;
  version: string;
  uptimeSeconds: number;
  jobs: Array<{
    job: string;
    run: string;
    startedAt: number;
    ops: Record<string, string>;
    endpoints: Array<{ opId: string; port: number; url: string; status: string }>;
  }>;
}

export default class NodeStatus extends NosanaCommand<NodeStatusResult> {
  static override summary = 'show what a running node is doing (from its local API)';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --api http://127.0.0.1:5102 --json',
  ];
  static override flags = {
    api: Flags.string({ summary: 'the node API', default: 'http://127.0.0.1:5101', env: 'NOSANA_NODE_API' }),
  };

  async run(): Promise<NodeStatusResult> {
    const { flags } = await this.parse(NodeStatus);
    const { NosanaError } = await import('@nosana/core');
    let info: NodeStatusResult;
    try {
      const response = await fetch(`${flags.api}/node/info`, { signal: AbortSignal.timeout(5000) });
      info = (await response.json()) as NodeStatusResult;
    } catch (error) {
      throw new NosanaError(
        'CLI__NODE_UNREACHABLE',
        `no node answers at ${flags.api} — start one with \`nosana node start\``,
        { url: flags.api },
        { cause: error },
      );
    }
    this.log(
      details([
        ['node', info.address],
        ['state', state(info.state)],
        ['market', info.market ?? 'none yet'],
        ['version', info.version],
        ['uptime', formatSeconds(info.uptimeSeconds)],
      ]),
    );
    if (info.jobs.length > 0) {
      this.log(
        table(info.jobs, [
          { header: 'JOB', get: (j) => j.job },
          {
            header: 'RUNNING FOR',
            get: (j) => formatSeconds((Date.now() - j.startedAt) / 1000),
            align: 'right',
          },
          {
            header: 'OPS',
            get: (j) =>
              Object.entries(j.ops)
                .map(([op, s]) => `${op}:${s}`)
                .join(' '),
          },
          { header: 'SERVICES', get: (j) => j.endpoints.map((e) => e.url).join(' ') },
        ]),
      );
    }
    return info;
  }
}
