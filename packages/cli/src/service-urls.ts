/**
 * The public URLs of a job's services: computed from the definition and the job's address (the real network's
 * service ids, `@nosana/core`), on the gateway of the network (the localnet's, announced by it; mainnet's; or
 * `--gateway`), with their live status read from the gateway.
 */
import { gatewayPath, type JobService, MAINNET_GATEWAY, type ServiceStatus } from './job-services.js';

/** Gateway answers that are the gateway's own, not the service's. */
const GATEWAY_ERRORS: Record<string, ServiceStatus> = {
  'unknown-service': 'not-exposed',
  'service-starting': 'starting',
  'bad-gateway': 'unreachable',
};

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
