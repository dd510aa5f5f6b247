import { Args } from '@oclif/core';
import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';
import { spin, state } from '../../output.js';

/** What `nosana deployment stop --json` returns. */
export type DeploymentStopResult = DeploymentJson;

export default class DeploymentStop extends DeploymentCommand<DeploymentStopResult> {
  static override summary = 'stop a deployment: its queued jobs are delisted (refunded), running ones ended';
  static override examples = ['<%= config.bin %> <%= command.id %> <deployment-id>'];
  static override args = { id: Args.string({ description: 'deployment id', required: true }) };

  async run(): Promise<DeploymentStopResult> {
    const { args, flags } = await this.parse(DeploymentStop);
    const backend = await this.backend(flags);
    let deployment = await backend.action(args.id, 'stop');
    const local = backend.local;
    if (local) {
      await spin(this.jsonEnabled(), 'Stopping its jobs', () =>
        this.reconcileUntil(local, async () => local.store.deployment(args.id).status === 'STOPPED', {
          timeoutMs: 120_000,
          what: 'stopping every job of the deployment',
        }),
      );
      deployment = (await backend.get(args.id)).deployment as DeploymentJson;
    }
    this.log(`Deployment ${args.id} is ${state(deployment.status)}.`);
    return deployment;
  }
}
