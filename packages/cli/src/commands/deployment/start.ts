import { Args } from '@oclif/core';
import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';
import { state } from '../../output.js';

/** What `nosana deployment start --json` returns. */
export type DeploymentStartResult = DeploymentJson;

export default class DeploymentStart extends DeploymentCommand<DeploymentStartResult> {
  static override summary = 'start a stopped deployment again (a new run: its replicas are listed anew)';
  static override examples = ['<%= config.bin %> <%= command.id %> <deployment-id>'];
  static override args = { id: Args.string({ description: 'deployment id', required: true }) };

  async run(): Promise<DeploymentStartResult> {
    const { args, flags } = await this.parse(DeploymentStart);
    const backend = await this.backend(flags);
    let deployment = await backend.action(args.id, 'start');
    if (backend.local) {
      await backend.local.manager.tick();
      deployment = (await backend.get(args.id)).deployment as DeploymentJson;
    }
    this.log(`Deployment ${args.id} is ${state(deployment.status)}.`);
    return deployment;
  }
}
