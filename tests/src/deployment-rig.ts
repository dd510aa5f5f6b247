/**
 * A deployment behind a real gateway on the localnet, for the deployment integration test and the replacement
 * benchmark: the localnet, a gateway (in this process), nodes running jobs in the real Docker engine and exposing
 * their services through the gateway, and the deployment manager following the gateway's events over SSE.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deploymentServiceId, type JobDefinition } from '@nosana/core';
import {
  createChainAdapter,
  createGatewayHealthSource,
  createManager,
  type DeploymentManager,
  type DeploymentStore,
  openStore,
} from '@nosana/deployments';
import {
  cachedChainReader,
  createChainReader,
  type Gateway,
  type GatewayEvent,
  startGateway,
} from '@nosana/gateway';
import { LABELS } from '@nosana/runtime';
import { Keypair } from '@solana/web3.js';
import { type Network, startNetwork } from './helpers/network.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** examples/web-service.json: busybox httpd answering `Hello from a Nosana service`, health-checked at /health. */
export const webService = JSON.parse(
  readFileSync(join(root, 'examples', 'web-service.json'), 'utf8'),
) as JobDefinition;
const NOS = 1_000_000n;

/** The web service answering `text` instead. */
export function webServiceSaying(text: string): JobDefinition {
  const op = webService.ops[0]!;
  const args = op.args as { cmd: string[] };
  const cmd = args.cmd.map((part) => part.replace('Hello from a Nosana service', text));
  return { ...webService, ops: [{ ...op, args: { ...args, cmd } }] } as JobDefinition;
}

export interface DeploymentRig {
  network: Network;
  gateway: Gateway;
  manager: DeploymentManager;
  store: DeploymentStore;
  /** The wallet that lists the replicas (their project). */
  owner: string;
  /** Every gateway event so far, in order. */
  events: GatewayEvent[];
  /** Resolves with the first event (past or future) matching `predicate`. */
  waitForEvent(predicate: (event: GatewayEvent) => boolean): Promise<GatewayEvent>;
  /** The stable service id of a deployment. */
  stableId(deployment: string): string;
  /** GET `/` of a service id through the gateway, by Host header. */
  get(id: string): Promise<{ status: number; body: string }>;
  /** Kills the container of a replica (SIGKILL through the engine). */
  killReplica(job: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the rig with `nodes` nodes in the `cpu` market, each publishing through the gateway, and a manager
 * running its loop (woken by the gateway's events) until `close`.
 *
 * @example
 * ```ts
 * const rig = await startDeploymentRig({ nodes: 3 });
 * const d = await rig.manager.create({ definition: webService, market: 'cpu', replicas: 2, … });
 * ```
 */
export async function startDeploymentRig({
  nodes = 3,
  onEvent,
}: {
  nodes?: number;
  /** The manager's events (LIST, STOP, job states…). */
  onEvent?: (event: { deployment: string; type: string; message: string; job: string | null }) => void;
} = {}): Promise<DeploymentRig> {
  const network = await startNetwork();
  const gateway = await startGateway({
    domain: 'localhost',
    listen: { host: '127.0.0.1', port: 0 },
    chain: cachedChainReader({ reader: createChainReader({ client: network.actor() }), ttlMs: 500 }),
    health: { startupIntervalMs: 100, intervalMs: 500 },
  });
  const events: GatewayEvent[] = [];
  const waiters = new Set<{ predicate: (e: GatewayEvent) => boolean; resolve: (e: GatewayEvent) => void }>();
  gateway.subscribe((event) => {
    events.push(event);
    for (const waiter of [...waiters])
      if (waiter.predicate(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
  });
  for (let i = 0; i < nodes; i++) await network.node({ gateway: { url: gateway.url } });

  const key = Keypair.generate();
  const client = network.actor(100_000n * NOS, key);
  const store = openStore(':memory:');
  const chain = createChainAdapter({
    client,
    connection: client.connection,
    wallet: key,
    ipfs: client.ipfs,
    programs: client.network.programs,
  });
  // The manager reaches the gateway on loopback; the public URL is the gateway's own (`*.localhost`).
  const health = createGatewayHealthSource({
    url: `http://127.0.0.1:${gateway.port}`,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  const manager = createManager({
    store,
    chain,
    health,
    gatewayUrl: gateway.url,
    ...(onEvent ? { onEvent } : {}),
  });
  const stop = new AbortController();
  const running = manager.run({ signal: stop.signal, intervalMs: 1000 });
  const owner = key.publicKey.toBase58();

  return {
    network,
    gateway,
    manager,
    store,
    owner,
    events,
    waitForEvent(predicate) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
    stableId: (deployment) => deploymentServiceId({ deploymentId: deployment, project: owner }),
    get: (id) =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          `http://127.0.0.1:${gateway.port}/`,
          { headers: { host: `${id}.localhost:${gateway.port}` }, agent: false },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      }),
    async killReplica(job) {
      const containers = await network.engine.engine.listContainers({ [LABELS.job]: job });
      if (containers.length === 0) throw new Error(`no container of job ${job}`);
      for (const container of containers) await network.engine.docker.getContainer(container.id).kill();
    },
    async close() {
      stop.abort();
      await running;
      manager.close();
      await health.close();
      store.close();
      await network.close();
      await gateway.close();
    },
  };
}
