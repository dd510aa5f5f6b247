/**
 * What the gateway needs to know from the chain, behind a narrow interface: who runs a job, and how one of its
 * ports is exposed (private? part of a deployment? which health checks?). {@link createChainReader} reads it with
 * the Nosana client (Job/Run accounts, the definition from IPFS); {@link cachedChainReader} adds a short TTL.
 */
import type { JobView, NosanaClient } from '@nosana/chain';
import { type ExposeItem, type HealthCheck, isNosanaError, type JobDefinition } from '@nosana/core';

/** How a job's op exposes one port, as its definition says. */
export interface ServicePolicy {
  /** The op is `private`: its URL is not derivable from the job address. */
  private: boolean;
  /** The job belongs to a deployment: replicas share the deployment's stable URL. */
  deployment: { id: string; project: string } | null;
  /** The op's health checks for this port (empty: the gateway probes that the port accepts connections). */
  healthChecks: HealthCheck[];
}

/** The chain as the gateway sees it. */
export interface GatewayChainReader {
  /** The address (base58) of the node that runs `job` now, or null when nobody does (queued, done, unknown). */
  runnerOf(job: string): Promise<string | null>;
  /** How op `opIndex` of `job` exposes `port`, or null when its definition does not expose that port. */
  serviceOf(job: string, opIndex: number, port: number): Promise<ServicePolicy | null>;
}

/**
 * The policy of one port of one op of a definition, or null when the op does not expose it. Ports given through
 * literals or spreads are only known at run time: they are accepted without health checks.
 *
 * @example
 * ```ts
 * servicePolicy(definition, 'Fp…', 0, 8080); // { private: false, deployment: null, healthChecks: [...] }
 * ```
 */
export function servicePolicy(
  definition: JobDefinition,
  project: string,
  opIndex: number,
  port: number,
): ServicePolicy | null {
  const op = definition.ops[opIndex];
  if (op?.type !== 'container/run' || op.args.expose === undefined) return null;
  const items: ExposeItem[] = Array.isArray(op.args.expose) ? op.args.expose : [op.args.expose];
  let healthChecks: HealthCheck[] | null = null;
  for (const item of items) {
    if (typeof item === 'number') {
      if (item === port) healthChecks = [];
    } else if (typeof item === 'string') {
      const range = /^(\d+)-(\d+)$/.exec(item);
      if (range && port >= Number(range[1]) && port <= Number(range[2])) healthChecks = [];
      else if (!range) healthChecks ??= [];
    } else if ('__spread__' in item) {
      healthChecks ??= [];
    } else if (typeof item.port === 'number' ? item.port === port : inRange(item.port, port)) {
      healthChecks = item.health_checks ?? [];
    }
    if (healthChecks?.length) break;
  }
  if (healthChecks === null) return null;
  return {
    private: op.args.private === true,
    deployment: definition.deployment_id ? { id: definition.deployment_id, project } : null,
    healthChecks,
  };
}

function inRange(range: string, port: number): boolean {
  const match = /^(\d+)-(\d+)$/.exec(range);
  return match !== null && port >= Number(match[1]) && port <= Number(match[2]);
}

/** Parameters of {@link createChainReader}. */
export interface CreateChainReaderParameters {
  /** A (read-only) Nosana client of the network the gateway serves. */
  client: Pick<NosanaClient, 'jobs'>;
}

/**
 * A {@link GatewayChainReader} over the Nosana client: the Run account says who runs a job; the definition
 * (IPFS, immutable by CID) says how its ports are exposed.
 *
 * @example
 * ```ts
 * const chain = cachedChainReader({ reader: createChainReader({ client: createNosanaClient({ network: 'mainnet' }) }) });
 * ```
 */
export function createChainReader({ client }: CreateChainReaderParameters): GatewayChainReader {
  const definitions = new Map<string, Promise<JobDefinition>>();
  const definitionOf = (cid: string, job: string) => {
    let pending = definitions.get(cid);
    if (!pending) {
      pending = client.jobs.definition(job);
      pending.catch(() => definitions.delete(cid));
      if (definitions.size >= 1000) definitions.delete(definitions.keys().next().value as string);
      definitions.set(cid, pending);
    }
    return pending;
  };
  // An unknown job (or a malformed address) is "nobody runs it"; RPC failures propagate.
  const get = (job: string): Promise<JobView | null> =>
    client.jobs.get(job).catch((error: unknown) => {
      if (isNosanaError(error, 'CHAIN__JOB_NOT_FOUND') || !/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(job))
        return null;
      throw error;
    });
  return {
    async runnerOf(job) {
      const view = await get(job);
      return view?.state === 'RUNNING' && view.run ? view.run.node.toBase58() : null;
    },
    async serviceOf(job, opIndex, port) {
      const view = await get(job);
      if (!view) return null;
      const definition = await definitionOf(view.definition, job);
      return servicePolicy(definition, view.project.toBase58(), opIndex, port);
    },
  };
}

/** Parameters of {@link cachedChainReader}. */
export interface CachedChainReaderParameters {
  reader: GatewayChainReader;
  /** How long an answer is kept, in ms (default 10 s): a job that ends stops being served within this delay. */
  ttlMs?: number;
  /** The clock (ms). */
  now?: () => number;
  /** Most answers kept (default 10,000). */
  maxEntries?: number;
}

/**
 * Wraps a reader with a short-TTL cache, so each health probe, tunnel and request does not reach the RPC.
 * Concurrent lookups of the same key share one request; failures are not cached.
 *
 * @example
 * ```ts
 * const chain = cachedChainReader({ reader, ttlMs: 5_000 });
 * ```
 */
export function cachedChainReader({
  reader,
  ttlMs = 10_000,
  now = Date.now,
  maxEntries = 10_000,
}: CachedChainReaderParameters): GatewayChainReader {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    value.catch(() => cache.delete(key));
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(key, { at: now(), value });
    return value;
  };
  return {
    runnerOf: (job) => cached(`r:${job}`, () => reader.runnerOf(job)),
    serviceOf: (job, opIndex, port) =>
      cached(`s:${job}:${opIndex}:${port}`, () => reader.serviceOf(job, opIndex, port)),
  };
}
