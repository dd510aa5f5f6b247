import { Flags } from '@oclif/core';
import { DeploymentCommand } from '../../deployment-command.js';

/** What `nosana deployment serve --json` prints once serving (and returns when it stops). */
export interface DeploymentServeResult {
  api: string;
  db: string;
  owner: string;
  deployments: number;
}

export default class DeploymentServe extends DeploymentCommand<DeploymentServeResult> {
  static override summary =
    'run the deployment manager: keep every deployment reconciled, serve its HTTP API';
  static override description =
    `Runs the reconciler until Ctrl-C (or SIGTERM), and serves /api/deployments on --api-host:--api-port for requests signed by the same wallet (point other commands at it with --manager). State lives in --db; after a crash (even kill -9) the next serve settles what was in flight from the chain: no job is listed or extended twice, none is lost.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --api-port 3939 --network mainnet --json',
  ];
  static override flags = {
    'api-host': Flags.string({ summary: 'address of the HTTP API', default: '127.0.0.1' }),
    'api-port': Flags.integer({
      summary: 'port of the HTTP API (0: any free port)',
      default: 3939,
      min: 0,
      max: 65535,
    }),
    interval: Flags.integer({ summary: 'seconds between reconciler passes at most', default: 5, min: 1 }),
  };

  async run(): Promise<DeploymentServeResult> {
    const { flags } = await this.parse(DeploymentServe);
    const { NosanaError } = await import('@nosana/core');
    if (flags.manager) {
      throw new NosanaError('CLI__INVALID_FLAG', 'serve runs a manager itself: drop --manager', {
        flag: 'manager',
        value: flags.manager,
      });
    }
    const { startDeploymentApi } = await import('@nosana/deployments');
    const { manager, store, path, chain } = await this.localManager(flags);
    const api = await startDeploymentApi({
      manager,
      store,
      owner: chain.owner,
      host: flags['api-host'],
      port: flags['api-port'],
    });
    const result = { api: api.url, db: path, owner: chain.owner, deployments: store.deployments().length };
    this.printEnvelopeNow(result);
    this.log(
      `Deployment manager for ${chain.owner}: ${result.deployments} deployment(s), API ${api.url}, state ${path}.`,
    );
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await manager.run({
        signal: stop.signal,
        intervalMs: flags.interval * 1000,
        onError: (error) => this.warnUser(`reconciler pass failed: ${(error as Error).message}`),
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await api.close();
    }
    return { ...result, deployments: store.deployments().length };
  }
}
