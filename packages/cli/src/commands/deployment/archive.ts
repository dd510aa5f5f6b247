import { Args } from '@oclif/core';
import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';
import { state } from '../../output.js';

/** What `nosana deployment archive --json` returns. */
export type DeploymentArchiveResult = DeploymentJson;

export default class DeploymentArchive extends DeploymentCommand<DeploymentArchiveResult> {
  static override summary = 'archive a stopped deployment (it is kept, read-only)';
  static override examples = ['<%= config.bin %> <%= command.id %> <deployment-id>'];
  static override args = { id: Args.string({ description: 'deployment id', required: true }) };

  async run(): Promise<DeploymentArchiveResult> {
    const { args, flags } = await this.parse(DeploymentArchive);
    const backend = await this.backend(flags);
    const deployment = await backend.action(args.id, 'archive');
    this.log(`Deployment ${args.id} is ${state(deployment.status)}.`);
    return deployment;
  }
}
