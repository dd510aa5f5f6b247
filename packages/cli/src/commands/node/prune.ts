import { Flags } from '@oclif/core';
import { NetworkCommand } from '../../network-command.js';

/** What `nosana node prune --json` returns: what was removed. */
export interface NodePruneResult {
  scope: string;
  containers: number;
  volumes: number;
  networks: number;
}

export default class NodePrune extends NetworkCommand<NodePruneResult> {
  static override summary = 'remove containers, volumes and networks a node left behind';
  static override description =
    'Removes what the runtime created for this wallet’s node (labelled org.nosana.scope=<address>) and no running node owns. Refuses while the node runs (its state directory is locked). Images are kept.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --wallet ./host.json --json',
  ];
  static override flags = {
    provider: Flags.string({ summary: 'container engine', options: ['docker', 'podman'] }),
    'state-dir': Flags.string({ summary: 'the node’s state directory (checked for a running node)' }),
  };

  async run(): Promise<NodePruneResult> {
    const { flags } = await this.parse(NodePrune);
    const { homedir } = await import('node:os');
    const { join } = await import('node:path');
    const [{ openNodeStore }, { connectEngine, createRuntime }] = await Promise.all([
      import('@nosana/node'),
      import('@nosana/runtime'),
    ]);
    const scope = (await this.client(flags, { wallet: 'read' })).address().toBase58();
    // Taking the state directory proves no node runs with it (NODE__ALREADY_RUNNING otherwise).
    const store = openNodeStore({ dir: flags['state-dir'] ?? join(homedir(), '.nosana', 'node') });
    try {
      const pending = store.jobs().length;
      if (pending > 0)
        this.warnUser(
          `${pending} job(s) are recorded as in progress; their containers are removed and the next \`node start\` gives them back`,
        );
      const { engine } = await connectEngine(
        flags.provider ? { provider: flags.provider as 'docker' | 'podman' } : {},
      );
      const removed = await createRuntime({ engine, scope }).reap();
      this.log(
        `Removed ${removed.containers} containers, ${removed.volumes} volumes and ${removed.networks} networks of node ${scope}.`,
      );
      return { scope, ...removed };
    } finally {
      await store.close();
    }
  }
}
