/**
 * The base of `nosana deployment …`: either a running manager (`--manager <url>`, requests signed with the
 * wallet) or, without one, the manager run in-process on the local database for the duration of the command.
 * `@nosana/deployments` (and its SQLite binding) is loaded only when a deployment command runs.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Deployment, DeploymentEvent, DeploymentManager, DeploymentStore } from '@nosana/deployments';
import { Flags } from '@oclif/core';
import type { NetworkFlags } from './network.js';
import { NetworkCommand } from './network-command.js';
import { plain } from './output.js';

export const deploymentFlags = {
  manager: Flags.string({
    summary: 'URL of a running deployment manager (`nosana deployment serve`)',
    description: 'Without it, the manager runs in this process on --db for as long as the command runs.',
    env: 'NOSANA_DEPLOYMENT_MANAGER',
    helpGroup: 'MANAGER',
  }),
  db: Flags.string({
    summary: 'the local manager’s database (default ~/.nosana/deployments-<network>.db)',
    env: 'NOSANA_DEPLOYMENTS_DB',
    helpGroup: 'MANAGER',
  }),
  gateway: Flags.string({
    summary:
      'gateway the replicas are published through (what the nodes use, e.g. https://node.example.com; default on a localnet: the one it runs; none: no gateway)',
    description:
      'The local manager follows its events: a replica that loses its tunnel or stays unhealthy past the grace is replaced, a rolling update waits until the new replica is online there, and `get` shows the stable URL.',
    env: 'NOSANA_GATEWAY_URL',
    helpGroup: 'MANAGER',
  }),
};

export interface DeploymentFlags extends NetworkFlags {
  manager?: string;
  db?: string;
  gateway?: string;
}

/** A deployment as the CLI prints it (amounts as strings of NOS base units). */
export type DeploymentJson = Omit<Deployment, 'budget'> & { budget: string };

/** What both back-ends offer. */
export interface DeploymentBackend {
  /** The local manager, when the command runs it in-process. */
  local?: { manager: DeploymentManager; store: DeploymentStore };
  list(): Promise<DeploymentJson[]>;
  create(body: Record<string, unknown>): Promise<DeploymentJson>;
  get(id: string): Promise<Record<string, unknown>>;
  action(id: string, action: 'start' | 'stop' | 'archive'): Promise<DeploymentJson>;
  scale(id: string, replicas: number): Promise<DeploymentJson>;
  update(id: string, definition: unknown): Promise<DeploymentJson>;
  events(id: string, after: number): Promise<DeploymentEvent[]>;
}

const json = <T>(value: unknown) => plain(value) as T;

/** A command of the `deployment` topic. */
export abstract class DeploymentCommand<T> extends NetworkCommand<T> {
  static override baseFlags = { ...NetworkCommand.baseFlags, ...deploymentFlags };

  private closers: Array<() => void> = [];

  /** The manager to talk to: remote with --manager, else in-process on the local database. */
  protected async backend(flags: DeploymentFlags): Promise<DeploymentBackend> {
    const deployments = await import('@nosana/deployments');
    if (flags.manager) {
      const { loadWallet } = await import('@nosana/chain');
      const { keypair } = loadWallet({ ...(flags.wallet ? { path: flags.wallet } : {}), create: false });
      const api = deployments.createDeploymentApiClient({ url: flags.manager, wallet: keypair });
      const base = '/api/deployments';
      return {
        list: () => api.request('GET', base),
        create: (body) => api.request('POST', base, body),
        get: (id) => api.request('GET', `${base}/${encodeURIComponent(id)}`),
        action: (id, action) => api.request('POST', `${base}/${encodeURIComponent(id)}/${action}`),
        scale: (id, replicas) =>
          api.request('PATCH', `${base}/${encodeURIComponent(id)}/replicas`, { replicas }),
        update: (id, definition) =>
          api.request('POST', `${base}/${encodeURIComponent(id)}/revisions`, { definition }),
        events: (id, after) => api.request('GET', `${base}/${encodeURIComponent(id)}/events?after=${after}`),
      };
    }
    const { manager, store } = await this.localManager(flags);
    return {
      local: { manager, store },
      list: async () => json(store.deployments()),
      create: async (body) =>
        json(
          await manager.create({
            ...(body as unknown as Parameters<DeploymentManager['create']>[0]),
            budget: BigInt(String(body.budget)),
          }),
        ),
      get: async (id) => json(await manager.view(id)),
      action: async (id, action) => json(manager[action](id)),
      scale: async (id, replicas) => json(manager.scale(id, replicas)),
      update: async (id, definition) => json(await manager.update(id, definition)),
      events: async (id, after) => store.events(id, after),
    };
  }

  /** Reads and validates a job definition file (JSON or YAML): an invalid one is reported before anything else. */
  protected async readDefinition(file: string): Promise<unknown> {
    const core = await import('@nosana/core');
    const { readFile } = await import('node:fs/promises');
    const parsed = core.parseJobDefinition({ text: await readFile(file, 'utf8'), source: file });
    for (const warning of parsed.warnings) this.warnUser(`${file}: ${core.formatIssue(warning)}`);
    if (!parsed.ok) throw core.invalidJobDefinitionError(parsed.errors, file);
    return parsed.definition;
  }

  /**
   * Runs the in-process manager's reconciler until `done` holds (or `timeoutMs` passes), waking at least every
   * `pollMs`. Remote managers reconcile on their own; this is for the local one.
   */
  protected async reconcileUntil(
    local: NonNullable<DeploymentBackend['local']>,
    done: () => Promise<boolean>,
    { timeoutMs, pollMs = 2000, what }: { timeoutMs: number; pollMs?: number; what: string },
  ): Promise<void> {
    const { NosanaError } = await import('@nosana/core');
    const deadline = Date.now() + timeoutMs;
    while (true) {
      await local.manager.tick();
      if (await done()) return;
      if (Date.now() > deadline) {
        throw new NosanaError(
          'CLI__WAIT_TIMEOUT',
          `${what} did not happen within ${Math.round(timeoutMs / 1000)} s`,
          {
            what,
            seconds: Math.round(timeoutMs / 1000),
          },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** The manager on the local database, with a chain adapter on the command's network and wallet. */
  protected async localManager(flags: DeploymentFlags) {
    const deployments = await import('@nosana/deployments');
    const client = await this.client(flags, { wallet: 'read' });
    const { publishingGateway } = await import('./service-urls.js');
    const gateway = await publishingGateway(flags.gateway, client.network);
    const { mkdirSync } = await import('node:fs');
    const path = flags.db ?? join(homedir(), '.nosana', `deployments-${flags.network}.db`);
    if (!flags.db) mkdirSync(join(homedir(), '.nosana'), { recursive: true, mode: 0o700 });
    const store = deployments.openStore(path);
    const chain = deployments.createChainAdapter({
      client,
      connection: client.connection,
      wallet: await this.keypair(),
      ipfs: client.ipfs,
      programs: client.network.programs,
    });
    const health = gateway ? deployments.createGatewayHealthSource({ url: gateway }) : undefined;
    const manager = deployments.createManager({
      store,
      chain,
      ...(health && gateway ? { health, gatewayUrl: gateway } : {}),
    });
    this.closers.push(() => {
      manager.close();
      void health?.close();
      store.close();
    });
    return { manager, store, path, chain, client };
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    for (const close of this.closers.splice(0)) close();
    return super.finally(error);
  }
}
