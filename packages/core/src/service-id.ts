/**
 * Service ids: the host-name label under which a job's exposed port is reachable through a gateway
 * (`https://<service-id>.<gateway domain>`), computed the way the real Nosana network computes them.
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { base58 } from '@scure/base';

/** Length of the id of a job's exposed port (the real network's `getExposeIdHash`). */
export const SERVICE_ID_LENGTH = 44;
/** Length of a deployment's stable id and of a private service's id. */
export const DEPLOYMENT_ID_LENGTH = 45;

/**
 * `base58(sha512(input))` cut to `length` characters: the hash the real network names services with.
 *
 * @example
 * ```ts
 * serviceHash('my-deployment:7xKX…', 45); // the deployment's stable id
 * ```
 */
export function serviceHash(input: string, length: number): string {
  return base58.encode(sha512(new TextEncoder().encode(input))).slice(0, length);
}

/** Parameters of {@link serviceId}. */
export interface ServiceIdParameters {
  /** Address of the job (base58). */
  job: string;
  /** Index of the op in the definition's `ops`. */
  opIndex: number;
  /** The container port the op exposes. */
  port: number;
}

/**
 * The public id of one exposed port of a job: `base58(sha512("<opIndex>:<port>:<job>"))` cut to 44 characters.
 * Deterministic, so a client can print the URL right after posting.
 *
 * @example
 * ```ts
 * const url = `https://${serviceId({ job: job.toBase58(), opIndex: 0, port: 8080 })}.node.k8s.prd.nos.ci`;
 * ```
 */
export function serviceId({ job, opIndex, port }: ServiceIdParameters): string {
  return serviceHash(`${opIndex}:${port}:${job}`, SERVICE_ID_LENGTH);
}

/**
 * The stable id shared by every replica of a deployment: `base58(sha512("<deployment_id>:<project>"))` cut to 45.
 *
 * @example
 * ```ts
 * deploymentServiceId({ deploymentId: definition.deployment_id!, project: job.project.toBase58() });
 * ```
 */
export function deploymentServiceId({
  deploymentId,
  project,
}: {
  deploymentId: string;
  project: string;
}): string {
  return serviceHash(`${deploymentId}:${project}`, DEPLOYMENT_ID_LENGTH);
}
