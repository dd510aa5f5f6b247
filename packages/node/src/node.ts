/**
 * The composition root of a host node: from a network, a wallet and a state directory to a running node with its
 * chain client, container engine, runtime, state store, log, wallet lock and API — the one place that wires them,
 * used by `nosana node start`, the SDK example and the tests.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type ContentStore,
  createAuthHeader,
  createNosanaClient,
  jobAuthMessage,
  type NosanaClient,
} from '@nosana/chain';
import { createTunnelClient, type TunnelClient } from '@nosana/gateway';
import {
  type ContainerEngine,
  type CreateRuntimeParameters,
  connectEngine,
  createRuntime,
  type DetectGpusResult,
  detectGpus,
} from '@nosana/runtime';
import type { Keypair } from '@solana/web3.js';
import type { Logger } from 'pino';
import { type NodeApi, startNodeApi } from './api.js';
import { loadBenchmark } from './benchmark/run.js';
import { createChainPort } from './chain-port.js';
import { type CreateNodeParameters, createNode, type NosanaNode } from './daemon.js';
import type { NodeEvent } from './events.js';
import { type CreateNodeLoggerParameters, createNodeLogger } from './logger.js';
import type { LogisticsSettings } from './logistics.js';
import type { HostSpecs } from './specs/host-specs.js';
import { type NodeStore, openNodeStore } from './store.js';
import { createNodeTrust } from './trust.js';
import { lockWallet } from './wallet-guard.js';

/** Parameters of {@link startHostNode}. */
export interface StartHostNodeParameters {
  /** `localnet` (default), `devnet` or `mainnet`; ignored when `client` is given. */
  network?: string;
  rpcUrl?: string;
  wsUrl?: string;
  /** Where results are pinned and definitions read. Default: the network's Kubo API. */
  ipfs?: ContentStore;
  /** A client built by the caller (it keeps owning it); its wallet must be `wallet`. */
  client?: NosanaClient;
  /** The host wallet: signs `work`, `finish`, …, and is paid. */
  wallet: Keypair;
  /** State (LMDB), logs (`logs/`) and the disk checked for space. */
  stateDir: string;
  /** Container engine. Default: whichever answers (`provider`, `engineHost`), Docker first. */
  engine?: ContainerEngine;
  provider?: 'docker' | 'podman';
  engineHost?: string;
  /** Market address or name. Default `cpu`. */
  market?: string;
  /**
   * Images markets declare (by address or name) off the localnet, e.g. a market directory's `required_images`:
   * pre-pulled before joining. The localnet publishes its own.
   */
  marketImages?: ReadonlyMap<string, readonly string[]>;
  /** GPUs jobs may use. Default all. */
  gpus?: 'all' | 'none' | { ids: string[] };
  /** GPUs found on the host. Default: detected (none when `gpus` is `none`). */
  detectedGpus?: DetectGpusResult;
  /** Runtime settings (limits, stop grace, egress, …). */
  runtime?: Omit<CreateRuntimeParameters, 'engine' | 'scope' | 'gpus'>;
  /**
   * The host's specs (`collectHostSpecs`), published in `/node/info` with the last signed benchmark of
   * `stateDir` (`nosana node benchmark`). Default: none published.
   */
  specs?: HostSpecs;
  /** Node API; `false` for none. Default 127.0.0.1:5101. */
  api?: false | { port?: number; host?: string; allowedHosts?: string[]; version?: string };
  /** Node log; `false` for none. Default `<stateDir>/logs`, rotated at 10 MB. */
  log?: false | Partial<CreateNodeLoggerParameters>;
  /** Where wallet locks live. Default ~/.nosana/locks. */
  lockDir?: string;
  onEvent?: (event: NodeEvent) => void;
  /**
   * The gateway that publishes the jobs' services (`http(s)://<service-id>.<its domain>`): the node opens one
   * outbound tunnel to it, signed with `wallet`. Default: none (services are reachable on this host only).
   */
  gateway?: {
    url: string;
    ca?: string | Buffer;
    /**
     * Publish the node API through the tunnel at `<node address>.<gateway domain>` (and `/s/<node address>/` on the
     * gateway), so owners reach live logs from anywhere. Default true.
     */
    api?: boolean;
  };
  /** Loop, retry and size settings passed to the daemon. */
  concurrency?: number;
  pollMs?: CreateNodeParameters['pollMs'];
  backoff?: CreateNodeParameters['backoff'];
  pinAttempts?: CreateNodeParameters['pinAttempts'];
  maxResultBytes?: CreateNodeParameters['maxResultBytes'];
  maxDefinitionBytes?: CreateNodeParameters['maxDefinitionBytes'];
  clock?: CreateNodeParameters['clock'];
  checks?: CreateNodeParameters['checks'];
  /** Health metering of service jobs (grace 60 s by default, 0 = off; probes every 5 s). */
  serviceHealth?: CreateNodeParameters['serviceHealth'];
  /** Images to pull before joining the queue besides the market's `required_images`; `false` for none. */
  prePull?: CreateNodeParameters['prePull'];
  /** The image cache's disk limit (LRU eviction of the images the node pulled or ran). Default: none. */
  imageCache?: CreateNodeParameters['imageCache'];
  /** The node software's version, in receipts (and the API unless `api.version` says otherwise). Default 0.0.0. */
  version?: string;
  /** Sign receipts, open sealed secrets and seal results. Default true. */
  trust?: boolean;
  /** Confidential jobs: waits, how long results are kept, private `api` endpoints (default: refused). */
  logistics?: LogisticsSettings;
}

/** Result of {@link startHostNode}: a node at work. */
export interface HostNode {
  node: NosanaNode;
  address: string;
  client: NosanaClient;
  api: NodeApi | undefined;
  /** The tunnel to the gateway, when one is configured. */
  tunnel: TunnelClient | undefined;
  /** The node API's public URL through the gateway once it is published; null without one (or when refused). */
  publicApi: Promise<string | null>;
  store: NodeStore;
  stateDir: string;
  /** Resolves once the node stopped and released everything; rejects with what ended it (a failed check, …). */
  done: Promise<void>;
  /** Stops the node gracefully (running jobs stopped and settled, queue left) and waits for `done` (never rejects). */
  stop(): Promise<void>;
}

/**
 * Wires and starts a host node. Refuses to start when another node holds the wallet on this machine
 * (`NODE__WALLET_LOCKED`) or its state directory (`NODE__ALREADY_RUNNING`); the chain-side check
 * (`NODE__WALLET_IN_USE`) and the start-up checks reject `done`.
 *
 * @example
 * ```ts
 * const host = await startHostNode({ network: 'localnet', wallet: loadWallet().keypair, stateDir: '/var/lib/nosana' });
 * process.once('SIGINT', () => void host.stop());
 * await host.done;
 * ```
 */
export async function startHostNode(parameters: StartHostNodeParameters): Promise<HostNode> {
  const { wallet, stateDir } = parameters;
  const address = wallet.publicKey.toBase58();
  const cleanup: Array<() => unknown> = [];
  const release = async () => {
    for (const step of cleanup.splice(0).reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    cleanup.push(lockWallet({ dir: parameters.lockDir ?? join(homedir(), '.nosana', 'locks'), address }));
    const store = openNodeStore({ dir: stateDir });
    cleanup.push(() => store.close());
    let logger: Logger | undefined;
    if (parameters.log !== false) {
      const log = await createNodeLogger({ dir: join(stateDir, 'logs'), ...parameters.log });
      cleanup.push(() => new Promise<void>((resolve) => log.flush(() => resolve())));
      logger = log;
    }
    const { engine, detected, gpus } = await hostEngine(parameters);
    const client =
      parameters.client ??
      createNosanaClient({
        ...(parameters.network ? { network: parameters.network } : {}),
        ...(parameters.rpcUrl ? { rpcUrl: parameters.rpcUrl } : {}),
        ...(parameters.wsUrl ? { wsUrl: parameters.wsUrl } : {}),
        ...(parameters.ipfs ? { ipfs: parameters.ipfs } : {}),
        wallet,
      });
    if (!parameters.client) cleanup.push(() => client.close());
    const chain = createChainPort(
      client,
      parameters.marketImages ? { marketImages: parameters.marketImages } : {},
    );
    const runtime = createRuntime({
      // Running jobs' op logs wait on disk, next to the node's state, until their results are built.
      logDir: join(stateDir, 'op-logs'),
      ...parameters.runtime,
      engine,
      scope: address,
      gpus: gpus === 'all' ? { all: true } : gpus,
    });
    const tunnel = parameters.gateway
      ? createTunnelClient({
          gatewayUrl: parameters.gateway.url,
          keypair: wallet,
          ...(parameters.gateway.ca ? { ca: parameters.gateway.ca } : {}),
        })
      : undefined;
    if (tunnel) cleanup.push(() => tunnel.close());
    const node = createNode({
      chain,
      runtime,
      engine,
      store,
      market: parameters.market ?? 'cpu',
      gpus: detected,
      ...pick(parameters, [
        'concurrency',
        'pollMs',
        'backoff',
        'pinAttempts',
        'maxResultBytes',
        'maxDefinitionBytes',
        'clock',
        'checks',
        'serviceHealth',
        'onEvent',
        'prePull',
        'imageCache',
      ]),
      logistics: {
        ...parameters.logistics,
        authHeader: (job: string) => createAuthHeader(parameters.wallet, jobAuthMessage(job)),
      },
      ...(logger ? { logger } : {}),
      ...(tunnel ? { tunnel } : {}),
      ...(parameters.trust === false ? {} : { trust: nodeTrust(parameters, engine, detected, logger) }),
    });
    const hardware = {
      specs: parameters.specs ?? null,
      benchmark: await loadBenchmark({ dir: stateDir }).catch(() => null),
    };
    const api =
      parameters.api === false
        ? undefined
        : await startNodeApi({
            node,
            chain,
            hardware,
            ...(parameters.maxDefinitionBytes ? { maxBodyBytes: parameters.maxDefinitionBytes } : {}),
            ...parameters.api,
          });
    if (api) cleanup.push(() => api.close());
    const publicApi =
      api && tunnel && parameters.gateway?.api !== false
        ? publishApi(tunnel, api, logger)
        : Promise.resolve(null);
    const done = node.start().finally(release);
    // `done` is the caller's to observe; this keeps an early rejection from being reported as unhandled meanwhile.
    done.catch(() => undefined);
    return {
      node,
      address,
      client,
      api,
      tunnel,
      publicApi,
      store,
      stateDir,
      done,
      async stop() {
        await node.stop();
        await done.catch(() => undefined);
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The container engine (given, or found) and the GPUs the node offers. */
async function hostEngine(parameters: StartHostNodeParameters) {
  const engine =
    parameters.engine ??
    (
      await connectEngine({
        ...(parameters.provider ? { provider: parameters.provider } : {}),
        ...(parameters.engineHost ? { host: parameters.engineHost } : {}),
      })
    ).engine;
  const gpus = parameters.gpus ?? 'all';
  const detected =
    parameters.detectedGpus ??
    (gpus === 'none'
      ? { gpus: [], cudaVersion: null, reason: 'GPUs turned off (gpus: none)' }
      : await detectGpus());
  return { engine, detected, gpus };
}

/** Receipts, sealed secrets and sealed results with the node's key. */
function nodeTrust(
  parameters: StartHostNodeParameters,
  engine: ContainerEngine,
  detected: { gpus: Array<{ name: string }> },
  logger: Logger | undefined,
) {
  return createNodeTrust({
    address: parameters.wallet.publicKey.toBase58(),
    secretKey: parameters.wallet.secretKey,
    engine,
    software: {
      name: '@nosana/node',
      version: parameters.version ?? (parameters.api ? parameters.api.version : undefined) ?? '0.0.0',
    },
    gpus: detected.gpus.map((gpu) => gpu.name),
    ...(logger ? { onWarning: (message: string) => logger.warn(message) } : {}),
  });
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/**
 * Publishes the node API through the gateway tunnel and lets the API answer to its gateway name. A refusal is
 * logged, never fatal: the node works without a public API.
 */
function publishApi(tunnel: TunnelClient, api: NodeApi, logger: Logger | undefined): Promise<string | null> {
  const host = new URL(api.url).hostname;
  const targetHost =
    host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '::1' : host.replace(/^\[|\]$/g, '');
  return tunnel
    .exposeApi({ ref: 'node-api', port: api.port, targetHost, targetPort: api.port })
    .then(({ url }) => {
      api.allowHost(new URL(url).hostname);
      logger?.info({ event: 'node-api-public', url }, `node API public at ${url}`);
      return url;
    })
    .catch((error: unknown) => {
      logger?.warn(
        { event: 'node-api-refused', error: String(error) },
        'the gateway did not publish the node API',
      );
      return null;
    });
}
