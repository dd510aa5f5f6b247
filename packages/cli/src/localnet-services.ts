/**
 * The services `nosana localnet start` runs next to the embedded network — a service gateway and an indexer — and
 * how other commands discover them: the localnet announces their URLs in `localnet_info`, so the RPC URL is
 * enough (like the markets' names).
 */
import { createServer } from 'node:net';
import type { LocalnetServices } from '@nosana/chain';
import { gatewayPath } from './job-services.js';

/** Parameters of {@link startLocalnetServices}. */
export interface StartLocalnetServicesParameters {
  rpcUrl: string;
  wsUrl: string;
  ipfsApiUrl: string;
  dataDir: string;
  programs: 'mainnet' | 'devnet';
  /** Port of the gateway; `false` for none. */
  gateway: false | { port: number; strict: boolean };
  /** Port of the indexer; `false` for none. */
  indexer: false | { port: number; strict: boolean };
  /** Where the indexer's messages go. */
  log(message: string): void;
  /** A default port that was busy: another one was taken. */
  warn(message: string): void;
}

/** Running services and how to stop them. */
export interface LocalnetServicesHandle {
  services: LocalnetServices;
  /** Service URLs look like this (`<service-id>` replaced). */
  serviceUrl?: string;
  close(): Promise<void>;
}

/** Whether a port of 127.0.0.1 is free now. */
const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** The port to use: the asked one, or (when it was only the default and is busy) any free one. */
async function portFor(
  name: string,
  { port, strict }: { port: number; strict: boolean },
  warn: (message: string) => void,
) {
  if (strict || port === 0 || (await isFree(port))) return port;
  warn(`port ${port} (the ${name}'s default) is in use: the ${name} listens on a free port instead`);
  return 0;
}

/**
 * Starts the gateway (`*.localhost:<port>`, plain HTTP) and the indexer (database in the localnet's data directory)
 * of a localnet. A default port that is busy is replaced by a free one (the URLs are announced anyway); an explicit
 * one is not.
 *
 * @example
 * ```ts
 * const extra = await startLocalnetServices({ ...localnet, programs: 'mainnet', gateway: { port: 8080, strict: false }, indexer: false, log, warn });
 * localnet.announce(extra.services);
 * ```
 */
export async function startLocalnetServices(
  parameters: StartLocalnetServicesParameters,
): Promise<LocalnetServicesHandle> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await step().catch(() => undefined);
  };
  const services: LocalnetServices = {};
  let serviceUrl: string | undefined;
  try {
    if (parameters.gateway) {
      const port = await portFor('gateway', parameters.gateway, parameters.warn);
      const [chain, gatewayModule] = await Promise.all([import('@nosana/chain'), import('@nosana/gateway')]);
      const client = chain.createNosanaClient({
        network: 'localnet',
        rpcUrl: parameters.rpcUrl,
        wsUrl: parameters.wsUrl,
        ipfs: chain.createKuboStore({ url: parameters.ipfsApiUrl }),
      });
      closers.push(async () => client.close());
      const gateway = await gatewayModule.startGateway({
        domain: 'localhost',
        listen: { host: '127.0.0.1', port },
        chain: gatewayModule.cachedChainReader({
          reader: gatewayModule.createChainReader({ client }),
          ttlMs: 2000,
        }),
      });
      closers.push(() => gateway.close());
      services.gateway = gateway.url;
      serviceUrl = gateway.serviceUrl('<service-id>');
    }
    if (parameters.indexer) {
      const port = await portFor('indexer', parameters.indexer, parameters.warn);
      const [{ startIndexer }, { PROGRAM_ADDRESSES }, { join }] = await Promise.all([
        import('@nosana/indexer'),
        import('@nosana/chain'),
        import('node:path'),
      ]);
      const indexer = await startIndexer({
        rpcUrl: parameters.rpcUrl,
        wsUrl: parameters.wsUrl,
        dbPath: join(parameters.dataDir, 'indexer.db'),
        listen: `127.0.0.1:${port}`,
        programs: { jobs: PROGRAM_ADDRESSES[parameters.programs].jobs },
        // The explorer's job pages read definitions and results through it.
        ipfsUrl: parameters.ipfsApiUrl,
        // Node pages show the hardware nodes publish on their API: through the gateway, where every node with a
        // tunnel publishes it (`/s/<node address>`), else the node `nosana node start` serves on this machine.
        nodeApi: services.gateway ? gatewayPath(services.gateway, '{node}') : 'http://127.0.0.1:5101',
        log: parameters.log,
      });
      closers.push(() => indexer.close());
      services.indexer = indexer.url;
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { services, ...(serviceUrl ? { serviceUrl } : {}), close };
}

/**
 * The services a localnet announces (`localnet_info`); empty when it announces none, is not a localnet, or does not
 * answer within `timeoutMs`.
 *
 * @example
 * ```ts
 * const { gateway } = await discoverLocalnetServices('http://127.0.0.1:8899');
 * ```
 */
export async function discoverLocalnetServices(rpcUrl: string, timeoutMs = 3000): Promise<LocalnetServices> {
  const { callLocalnetRpc } = await import('@nosana/chain');
  try {
    return (await callLocalnetRpc(rpcUrl, 'localnet_info', [], { timeoutMs })).services ?? {};
  } catch {
    return {};
  }
}

const announcedTo = new WeakMap<object, Promise<LocalnetServices>>();
/**
 * {@link discoverLocalnetServices} asked once per network object: a command's client has one, so the node API, the
 * gateway and the indexer it looks up share one `localnet_info` round trip.
 *
 * @example
 * ```ts
 * const { gateway } = await announcedServices(client.network);
 * ```
 */
export function announcedServices(network: { rpcUrl: string }): Promise<LocalnetServices> {
  let answer = announcedTo.get(network);
  if (!answer) {
    answer = discoverLocalnetServices(network.rpcUrl);
    announcedTo.set(network, answer);
  }
  return answer;
}
