/**
 * A job's services as data: which ports its definition exposes, their service ids and public URLs on a gateway, and
 * how they read. Pure (no network, no oclif): service-urls.ts asks the gateway for their status, and the start-up
 * fast path shows them.
 */
import type { JobDefinition } from '@nosana/core';

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
