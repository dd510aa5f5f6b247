/**
 * `@nosana/gateway` — public endpoints for job services: a gateway that routes `<service-id>.<domain>` to the
 * host running the job through an outbound tunnel the host opens (HTTP/1.1 Upgrade + HTTP/2 streams), with
 * on-chain authorization, health-gated routing and service events.
 *
 * @packageDocumentation
 */

export {
  type AcmeCertificates,
  type AcmeDnsHook,
  type CreateAcmeCertificatesParameters,
  createAcmeCertificates,
  type GatewayCertificate,
} from './acme.js';
export {
  type CachedChainReaderParameters,
  type CreateChainReaderParameters,
  cachedChainReader,
  createChainReader,
  type GatewayChainReader,
  type ServicePolicy,
  servicePolicy,
} from './chain-reader.js';
export type { GatewayEvent } from './events.js';
export { type EnsureLocalCaParameters, ensureLocalCa, type LocalCa } from './local-ca.js';
export { TUNNEL_PATH, TUNNEL_UPGRADE } from './protocol.js';
export { type HealthTiming, privateServiceId } from './registry.js';
export { type Gateway, type StartGatewayParameters, startGateway } from './server.js';
export {
  type CreateTunnelClientParameters,
  createTunnelClient,
  type ExposeApiParameters,
  type ExposeParameters,
  type ExposeResult,
  type TunnelClient,
  type TunnelEvent,
} from './tunnel-client.js';
export type { UserServerTls } from './user-server.js';

import './errors.js';
