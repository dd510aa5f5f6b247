/**
 * Pure rules of an `expose` request: its shape, whether the chain's answers allow it, and the ids it gets.
 */
import { deploymentServiceId, serviceId as publicServiceId, serviceHash } from '@nosana/core';
import type { GatewayChainReader, ServicePolicy } from './chain-reader.js';
import { type HostMessage, REF_PATTERN } from './protocol.js';

/** Why an expose request is refused: the `refused` message's reason and text. */
export interface Refusal {
  reason: string;
  text: string;
}

/** Most services one tunnel may register. */
export const MAX_ENDPOINTS_PER_TUNNEL = 256;

/** A private service's id: the host's secret makes it underivable; only the owner learns it (from the node). */
export const privateServiceId = (job: string, opIndex: number, port: number, secret: string) =>
  serviceHash(`private:${opIndex}:${port}:${job}:${secret}`, 45);

/**
 * Checks the shape of an expose message (it comes from a host: anything may be in it) and the tunnel's quota.
 *
 * @example
 * ```ts
 * exposeShapeRefusal({ type: 'expose', ref: 'web', job, opIndex: 0, port: 80 }, 0); // null
 * ```
 */
export function exposeShapeRefusal(
  { ref, job, opIndex, port, secret }: Extract<HostMessage, { type: 'expose' }>,
  endpointsOfTunnel: number,
): Refusal | null {
  const valid =
    typeof ref === 'string' &&
    REF_PATTERN.test(ref) &&
    typeof job === 'string' &&
    Number.isSafeInteger(opIndex) &&
    opIndex >= 0 &&
    Number.isInteger(port) &&
    port >= 1 &&
    port <= 65535 &&
    (secret === undefined || typeof secret === 'string');
  if (!valid)
    return {
      reason: 'bad-request',
      text: 'expose needs ref ([a-z0-9-]), job (base58), opIndex ≥ 0 and port 1–65535',
    };
  if (endpointsOfTunnel >= MAX_ENDPOINTS_PER_TUNNEL)
    return {
      reason: 'too-many',
      text: `a tunnel may carry at most ${MAX_ENDPOINTS_PER_TUNNEL} services; open another one`,
    };
  return null;
}

/**
 * Checks the shape of an `expose-api` message (the host's node API) and the tunnel's quota.
 *
 * @example
 * ```ts
 * exposeApiShapeRefusal({ type: 'expose-api', ref: 'api', port: 5101 }, 0); // null
 * ```
 */
export function exposeApiShapeRefusal(
  { ref, port }: Extract<HostMessage, { type: 'expose-api' }>,
  endpointsOfTunnel: number,
): Refusal | null {
  if (
    typeof ref !== 'string' ||
    !REF_PATTERN.test(ref) ||
    !Number.isInteger(port) ||
    port < 1 ||
    port > 65535
  )
    return { reason: 'bad-request', text: 'expose-api needs ref ([a-z0-9-]) and port 1–65535' };
  if (endpointsOfTunnel >= MAX_ENDPOINTS_PER_TUNNEL)
    return {
      reason: 'too-many',
      text: `a tunnel may carry at most ${MAX_ENDPOINTS_PER_TUNNEL} services; open another one`,
    };
  return null;
}

/**
 * Checks an expose request against the chain's answers: the node must run the job, the op must expose the port,
 * and a private op needs a secret of ≥ 32 characters.
 *
 * @example
 * ```ts
 * chainRefusal({ job, opIndex: 0, port: 80, node, runner, policy }); // null when allowed
 * ```
 */
export function chainRefusal({
  job,
  opIndex,
  port,
  secret,
  node,
  runner,
  policy,
}: {
  job: string;
  opIndex: number;
  port: number;
  secret?: string | undefined;
  node: string;
  runner: string | null;
  policy: ServicePolicy | null;
}): Refusal | null {
  if (runner !== node)
    return {
      reason: 'not-runner',
      text: `the chain says ${runner ?? 'nobody'} runs job ${job}, not ${node}`,
    };
  if (!policy)
    return { reason: 'not-exposed', text: `op ${opIndex} of job ${job} does not expose port ${port}` };
  if (policy.private && (!secret || secret.length < 32))
    return {
      reason: 'secret-required',
      text: `op ${opIndex} of job ${job} is private: send a random secret of ≥ 32 characters`,
    };
  return null;
}

/**
 * The ids an allowed registration is served under: its own (public or private) and its deployment's.
 *
 * @example
 * ```ts
 * const { serviceId, deploymentId } = exposedIds({ job, opIndex: 0, port: 80 }, policy);
 * ```
 */
export function exposedIds(
  { job, opIndex, port, secret }: { job: string; opIndex: number; port: number; secret?: string | undefined },
  policy: ServicePolicy,
): { serviceId: string; deploymentId: string | null } {
  const serviceId = policy.private
    ? privateServiceId(job, opIndex, port, secret as string)
    : publicServiceId({ job, opIndex, port });
  const deploymentId = policy.deployment
    ? deploymentServiceId({ deploymentId: policy.deployment.id, project: policy.deployment.project })
    : null;
  return { serviceId, deploymentId };
}

/**
 * What a probe result does to an endpoint: `online` after a pass (unless already online), `offline` once an
 * online endpoint has failed `threshold` probes in a row, else nothing.
 *
 * @example
 * ```ts
 * healthTransition('online', 3, 3, 'timeout'); // 'offline'
 * ```
 */
export function healthTransition(
  status: 'starting' | 'online' | 'offline',
  failures: number,
  threshold: number,
  failure: string | null,
): 'online' | 'offline' | null {
  if (failure === null) return status === 'online' ? null : 'online';
  return status === 'online' && failures >= threshold ? 'offline' : null;
}

/**
 * Decides an `expose` request: its shape, then what the chain says (runner and the op's policy), then its ids.
 *
 * @example
 * ```ts
 * const admitted = await admitExpose(chain, session.node, message, endpointsOfTunnel);
 * if ('reason' in admitted) refuse(admitted);
 * ```
 */
export async function admitExpose(
  chain: GatewayChainReader,
  node: string,
  message: Extract<HostMessage, { type: 'expose' }>,
  endpointsOfTunnel: number,
): Promise<Refusal | { serviceId: string; deploymentId: string | null; policy: ServicePolicy }> {
  const { job, opIndex, port, secret } = message;
  const shape = exposeShapeRefusal(message, endpointsOfTunnel);
  if (shape) return shape;
  let runner: string | null;
  let policy: ServicePolicy | null;
  try {
    [runner, policy] = await Promise.all([chain.runnerOf(job), chain.serviceOf(job, opIndex, port)]);
  } catch (error) {
    return {
      reason: 'chain-unavailable',
      text: `could not read job ${job} from the chain (${String(error)}); retry later`,
    };
  }
  const refusal = chainRefusal({ job, opIndex, port, secret, node, runner, policy });
  if (refusal || !policy) return refusal ?? { reason: 'not-exposed', text: 'not exposed' };
  return { ...exposedIds({ job, opIndex, port, secret }, policy), policy };
}
