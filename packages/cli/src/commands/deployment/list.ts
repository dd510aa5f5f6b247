import { DeploymentCommand, type DeploymentJson } from '../../deployment-command.js';
import { state, table } from '../../output.js';

/** What `nosana deployment list --json` returns. */
export type DeploymentListResult = DeploymentJson[];

export default class DeploymentList extends DeploymentCommand<DeploymentListResult> {
  static override summary = 'list your deployments';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --manager http://127.0.0.1:3939',
  ];

  async run(): Promise<DeploymentListResult> {
    const { flags } = await this.parse(DeploymentList);
    const deployments = await (await this.backend(flags)).list();
    if (deployments.length === 0)
      this.log('No deployments yet: `nosana deployment create -f job.json --budget 10`.');
    else {
      this.log(
        table(deployments, [
          { header: 'ID', get: (d) => d.id },
          { header: 'NAME', get: (d) => d.name },
          { header: 'STATUS', get: (d) => state(d.status) },
          { header: 'STRATEGY', get: (d) => d.strategy },
          { header: 'REPLICAS', get: (d) => String(d.replicas), align: 'right' },
          { header: 'REVISION', get: (d) => String(d.activeRevision), align: 'right' },
        ]),
      );
    }
    return deployments;
  }
}
