/**
 * The public URLs of a job's services: computed from the definition and the job's address (the real network's
 * service ids, `@nosana/core`), on the gateway of the network (the localnet's, announced by it; mainnet's; or
 * `--gateway`), with their live status read from the gateway.
 */
import type { JobDefinition } from '@nosana/core';
import { Flags } from '@oclif/core';

export const gatewayFlag = Flags.string({
  summary: "gateway that publishes jobs' services, for their public URLs (`none`: do not show them)",
  description:
    'Default: on localnet the gateway `nosana localnet start` runs (announced by the localnet); on mainnet https://node.k8s.prd.nos.ci.',
  env: 'NOSANA_GATEWAY_URL',
});

/** Where the real network publishes services (`https://<service-id>.node.k8s.prd.nos.ci`). */
export const MAINNET_GATEWAY = 'https://node.k8s.prd.nos.ci';

/**
 * Live status of a public URL, as the gateway answers for it:
 * `online` (routed to a healthy endpoint), `starting` (registered, health checks not passing: 503),
 * `not-exposed` (no host serves it: the job is not running yet, or has ended: 404),
 * `unreachable` (no answer from the gateway, or it could not reach the host), `unknown` (not asked).
 */
export type ServiceStatus = 'online' | 'starting' | 'not-exposed' | 'unreachable' | 'unknown';

/** One exposed port of a job, in `--json` output (`services` of `job post` / `job get`). */
export interface JobService {
  /** The op's id and index in the definition. */
  op: string;
  opIndex: number;
  /** The container port. */
  port: number;
  /** The service id (the host-name label): `base58(sha512("<opIndex>:<port>:<job>"))`, 44 characters. */
  serviceId: string;
  /** The public URL, or null for a private op (only its owner gets it, from the node API) or without a gateway. */
  url: string | null;
  /** The deployment's stable URL, when the definition has a `deployment_id`. */
  deploymentUrl: string | null;
  private: boolean;
  status: ServiceStatus;
}

type Expose = Extract<JobDefinition['ops'][number], { type: 'container/run' }>['args']['expose'];

/** Concrete ports of an `expose` (numbers, `"8080"`, `"9000-9002"`, items with a port); literals are skipped. */
function portsOf(expose: Expose): number[] {
  const items: unknown[] = expose === undefined ? [] : Array.isArray(expose) ? expose : [expose];
  const out = new Set<number>();
  for (const item of items) {
    const port =
      typeof item === 'object' && item !== null && 'port' in item ? (item as { port: unknown }).port : item;
    if (typeof port === 'number') out.add(port);
    else if (typeof port === 'string' && /^\d+$/.test(port)) out.add(Number(port));
    else if (typeof port === 'string' && /^\d+-\d+$/.test(port)) {
      const [start, end] = port.split('-').map(Number) as [number, number];
      for (let p = start; p <= end && p - start < 1000; p++) out.add(p);
    }
  }
  return [...out];
}

/** Parameters of {@link jobServices}. */
export interface JobServicesParameters {
  definition: JobDefinition;
  job: string;
  /** The poster (the deployment id's project). */
  project: string;
  /** The gateway's URL (`http://localhost:8080`), or undefined when none is known. */
  gateway: string | undefined;
}

/**
 * The services a job exposes and their public URLs (status `unknown` until {@link probeServices}).
 *
 * @example
 * ```ts
 * jobServices({ definition, job, project, gateway: 'http://localhost:8080' })[0]?.url; // http://<id>.localhost:8080
 * ```
 */
export async function jobServices({
  definition,
  job,
  project,
  gateway,
}: JobServicesParameters): Promise<JobService[]> {
  const { deploymentServiceId, serviceId } = await import('@nosana/core');
  const base = gateway ? new URL(gateway) : undefined;
  const urlOf = (id: string) => (base ? `${base.protocol}//${id}.${base.host}` : null);
  const deployment = definition.deployment_id
    ? deploymentServiceId({ deploymentId: definition.deployment_id, project })
    : null;
  const services: JobService[] = [];
  definition.ops.forEach((op, opIndex) => {
    if (op.type !== 'container/run') return;
    const isPrivate = (op.args as { private?: boolean }).private === true;
    for (const port of portsOf(op.args.expose)) {
      const id = serviceId({ job, opIndex, port });
      services.push({
        op: op.id,
        opIndex,
        port,
        serviceId: id,
        url: isPrivate ? null : urlOf(id),
        deploymentUrl: deployment && !isPrivate ? urlOf(deployment) : null,
        private: isPrivate,
        status: 'unknown',
      });
    }
  });
  return services;
}

/** Gateway answers that are the gateway's own, not the service's. */
const GATEWAY_ERRORS: Record<string, ServiceStatus> = {
  'unknown-service': 'not-exposed',
  'service-starting': 'starting',
  'bad-gateway': 'unreachable',
};

/**
 * The gateway's path fallback for a service id (`/s/<id>`), which needs no DNS for `<id>.<domain>`; `localhost`
 * becomes 127.0.0.1, since it may resolve to ::1 first and a localnet's gateway listens on IPv4 loopback.
 *
 * @example
 * ```ts
 * gatewayPath('http://localhost:8080', id); // http://127.0.0.1:8080/s/<id>
 * ```
 */
export function gatewayPath(gateway: string, id: string): string {
  const origin = new URL(gateway);
  if (origin.hostname === 'localhost') origin.hostname = '127.0.0.1';
  return `${origin.origin}/s/${id}`;
}

/**
 * Asks the gateway how each public service answers (a `GET` of its root through the path fallback `/s/<id>/`,
 * which needs no DNS; the service's own body is not read): sets `status` in place. Private ones stay `unknown`.
 *
 * @example
 * ```ts
 * await probeServices(services, 'http://localhost:8080');
 * ```
 */
export async function probeServices(
  services: JobService[],
  gateway: string | undefined,
  timeoutMs = 3000,
): Promise<JobService[]> {
  if (!gateway) return services;
  await Promise.all(
    services
      .filter((s) => s.url !== null)
      .map(async (service) => {
        service.status = await probeService(gateway, service.serviceId, timeoutMs);
      }),
  );
  return services;
}

async function probeService(gateway: string, id: string, timeoutMs: number): Promise<ServiceStatus> {
  try {
    const response = await fetch(`${gatewayPath(gateway, id)}/`, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const own =
      [404, 502, 503].includes(response.status) &&
      response.headers.get('content-type')?.startsWith('application/json');
    const body = own ? ((await response.json().catch(() => ({}))) as { error?: string }) : undefined;
    if (!own) await response.body?.cancel();
    return (body?.error && GATEWAY_ERRORS[body.error]) || 'online';
  } catch {
    return 'unreachable';
  }
}

/**
 * The gateway to show URLs on: the flag (`none`: none), else the localnet's (announced by it), mainnet's, or none.
 *
 * @example
 * ```ts
 * const gateway = await gatewayFor(flags.gateway, client.network);
 * ```
 */
export async function gatewayFor(
  flag: string | undefined,
  network: { name: string; rpcUrl: string },
): Promise<string | undefined> {
  // Mainnet's public gateway shows URLs; hosts and managers choose theirs (publishingGateway), the rest is the same.
  if (!flag && network.name === 'mainnet') return MAINNET_GATEWAY;
  return publishingGateway(flag, network);
}

/**
 * The gateway a host publishes through, or a deployment manager follows: the flag (`none`: none), else on the
 * localnet the one it announces, else none (a real network's gateway is chosen by the operator).
 *
 * @example
 * ```ts
 * const gateway = await publishingGateway(flags.gateway, client.network); // 'http://127.0.0.1:8080' on a localnet
 * ```
 */
export async function publishingGateway(
  flag: string | undefined,
  network: { name: string; rpcUrl: string },
): Promise<string | undefined> {
  if (flag === 'none') return undefined;
  if (flag) return parseGatewayUrl(flag, (await import('@nosana/core')).NosanaError);
  if (network.name !== 'localnet') return undefined;
  const { announcedServices } = await import('./localnet-services.js');
  return (await announcedServices(network)).gateway;
}

/** Human lines: `service web:8080 http://….localhost:8080 (online)`. */
export function describeServices(services: JobService[], withStatus: boolean): string[] {
  return services.map((s) => {
    const where = s.private
      ? '(private: its URL is given to the job’s owner by the node API)'
      : (s.url ?? `(no gateway known: service id ${s.serviceId})`);
    const status = withStatus && s.url ? ` (${s.status})` : '';
    const deployment = s.deploymentUrl ? `, deployment ${s.deploymentUrl}` : '';
    return `service ${s.op}:${s.port} ${where}${status}${deployment}`;
  });
}

/**
 * A `--gateway` value: an http(s) URL, reduced to its origin (bad input: `CLI__INVALID_FLAG`).
 *
 * @example
 * ```ts
 * parseGatewayUrl('https://node.example.com/', NosanaError); // 'https://node.example.com'
 * ```
 */
export function parseGatewayUrl(
  value: string,
  NosanaError: typeof import('@nosana/core').NosanaError,
): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--gateway takes the gateway's http(s) URL (e.g. https://node.example.com or http://localhost:8080), or none — got "${value}"`,
      { flag: 'gateway', value },
    );
  return url.origin;
}

/** Parameters of {@link watchServices}. */
export interface WatchServicesParameters {
  services: JobService[];
  gateway: string;
  signal: AbortSignal;
  /** Between probes. Default 2 s. */
  intervalMs?: number;
  /** A service's status changed (it is updated in place). */
  onChange(service: JobService): void;
}

/**
 * Probes the public services until `signal` aborts, reporting each status change (a running job's URLs going
 * from `starting` to `online`, …).
 *
 * @example
 * ```ts
 * void watchServices({ services, gateway, signal, onChange: (s) => log(`${s.url} ${s.status}`) });
 * ```
 */
export async function watchServices({
  services,
  gateway,
  signal,
  intervalMs = 2000,
  onChange,
}: WatchServicesParameters): Promise<void> {
  const { setTimeout: sleep } = await import('node:timers/promises');
  while (!signal.aborted) {
    const before = services.map((s) => s.status);
    const probed = services.map((s) => ({ ...s }));
    await probeServices(probed, gateway);
    if (signal.aborted) return;
    probed.forEach((next, index) => {
      const service = services[index] as JobService;
      service.status = next.status;
      if (next.status !== before[index]) onChange(service);
    });
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
