/**
 * The host's end of the control stream: its registrations and what each gateway message does to them.
 */
import { NosanaError } from '@nosana/core';
import type { GatewayMessage, HostMessage } from './protocol.js';
import type { ExposeParameters, ExposeResult, TunnelEvent } from './tunnel-client.js';
import './errors.js';

/** One service the host asked the gateway to publish (kept to re-send after a reconnection). */
export interface Registration {
  parameters: ExposeParameters & { ref: string };
  /** The host's node API rather than a job's port (`job` is empty, `opIndex` -1). */
  nodeApi?: boolean;
  resolve?: (result: ExposeResult) => void;
  reject?: (error: unknown) => void;
}

/**
 * The `expose` message of a registration.
 *
 * @example
 * ```ts
 * send(exposeMessage(registration));
 * ```
 */
export const exposeMessage = ({ parameters: p, nodeApi }: Registration): HostMessage =>
  nodeApi
    ? { type: 'expose-api', ref: p.ref, port: p.port }
    : {
        type: 'expose',
        ref: p.ref,
        job: p.job,
        opIndex: p.opIndex,
        port: p.port,
        ...(p.secret ? { secret: p.secret } : {}),
      };

/**
 * Applies a gateway message to the registrations: settles a pending `expose`, forgets refused and ended ones,
 * and returns the event to emit (null for messages about unknown refs).
 *
 * @example
 * ```ts
 * const event = applyGatewayMessage(registrations, message, (ref) => withdraw(ref));
 * if (event) emit(event);
 * ```
 */
export function applyGatewayMessage(
  registrations: Map<string, Registration>,
  message: GatewayMessage,
  withdraw: (ref: string) => void,
): TunnelEvent | null {
  const registration = registrations.get(message.ref);
  if (!registration) return null;
  switch (message.type) {
    case 'exposed': {
      const { ref, serviceId, url, deploymentUrl } = message;
      registration.resolve?.({ ref, serviceId, url, deploymentUrl, close: () => withdraw(ref) });
      registration.resolve = registration.reject = undefined;
      return { type: 'exposed', ref, serviceId, url };
    }
    case 'refused': {
      registrations.delete(message.ref);
      const { job, opIndex, port } = registration.parameters;
      const what = registration.nodeApi
        ? `the node API (port ${port})`
        : `port ${port} of op ${opIndex} of job ${job}`;
      registration.reject?.(
        new NosanaError(
          'GATEWAY__EXPOSE_REFUSED',
          `the gateway refused to expose ${what}: ${message.message}`,
          {
            job,
            opIndex,
            port,
            reason: message.reason as never,
          },
        ),
      );
      return { type: 'refused', ref: message.ref, reason: message.reason, message: message.message };
    }
    case 'status':
      return {
        type: message.status,
        ref: message.ref,
        ...(message.reason ? { reason: message.reason } : {}),
      };
    case 'unexposed':
      // The job ended: nothing to re-register. (Replaced or lost endpoints are re-sent on reconnection.)
      if (message.reason === 'job-ended') registrations.delete(message.ref);
      return { type: 'unexposed', ref: message.ref, reason: message.reason };
    default:
      return null;
  }
}

/**
 * The delay before reconnection attempt `attempt` (1-based): `initialMs` doubling up to `maxMs`, ±20 % jitter.
 *
 * @example
 * ```ts
 * backoffDelay(3, { initialMs: 100, maxMs: 2000 }, () => 0.5); // 400
 * ```
 */
export function backoffDelay(
  attempt: number,
  { initialMs, maxMs }: { initialMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  return Math.round(Math.min(maxMs, initialMs * 2 ** (attempt - 1)) * (0.8 + random() * 0.4));
}

/**
 * The error of a registration attempted with a malformed or already used ref.
 *
 * @example
 * ```ts
 * throw badRefError('Web!', parameters);
 * ```
 */
export const badRefError = (ref: string, { job, opIndex, port }: ExposeParameters) =>
  new NosanaError('GATEWAY__EXPOSE_REFUSED', `ref "${ref}" is malformed or already used; use [a-z0-9-]`, {
    job,
    opIndex,
    port,
    reason: 'bad-request',
  });
