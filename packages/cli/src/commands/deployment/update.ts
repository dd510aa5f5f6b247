import { Args, Flags } from '@oclif/core';
import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';

/** What `nosana deployment update --json` returns. */
export type DeploymentUpdateResult = DeploymentJson;

export default class DeploymentUpdate extends DeploymentCommand<DeploymentUpdateResult> {
  static override summary = 'roll out a new job definition: a new replica runs before an old one is stopped';
  static override examples = ['<%= config.bin %> <%= command.id %> <deployment-id> -f new.json'];
  static override args = { id: Args.string({ description: 'deployment id', required: true }) };
  static override flags = {
    file: Flags.string({ char: 'f', summary: 'the new job definition (JSON or YAML)', required: true }),
  };

  async run(): Promise<DeploymentUpdateResult> {
    const { args, flags } = await this.parse(DeploymentUpdate);
    const definition = await this.readDefinition(flags.file);
    const backend = await this.backend(flags);
    const updated = await backend.update(args.id, definition);
    if (backend.local) await backend.local.manager.tick();
    this.log(
      `Deployment ${args.id} is at revision ${updated.activeRevision}; replicas are replaced one at a time.`,
    );
    return updated;
  }
}
