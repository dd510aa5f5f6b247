import { Args } from '@oclif/core';
import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';

/** What `nosana deployment scale --json` returns. */
export type DeploymentScaleResult = DeploymentJson;

export default class DeploymentScale extends DeploymentCommand<DeploymentScaleResult> {
  static override summary = 'change how many replicas a deployment keeps';
  static override examples = ['<%= config.bin %> <%= command.id %> <deployment-id> 3'];
  static override args = {
    id: Args.string({ description: 'deployment id', required: true }),
    replicas: Args.integer({ description: 'replicas to keep (≥ 1)', required: true }),
  };

  async run(): Promise<DeploymentScaleResult> {
    const { args, flags } = await this.parse(DeploymentScale);
    const { checkReplicas } = await import('@nosana/deployments');
    checkReplicas(args.replicas);
    const backend = await this.backend(flags);
    const scaled = await backend.scale(args.id, args.replicas);
    if (backend.local) await backend.local.manager.tick();
    this.log(`Deployment ${args.id} keeps ${scaled.replicas} replica(s).`);
    return scaled;
  }
}
