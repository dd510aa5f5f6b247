/**
 * `@nosana/runtime` — runs Nosana job definitions in containers on Docker or Podman (through dockerode).
 *
 * @packageDocumentation
 */
export {
  type ConnectEngineParameters,
  type ConnectEngineResult,
  connectEngine,
  engineCandidates,
} from './engine/discover.js';
export { type CreateDockerEngineParameters, createDockerEngine } from './engine/docker.js';
export type {
  ContainerEngine,
  ContainerLogLine,
  ContainerSpec,
  ContainerState,
  EngineInfo,
  EngineKind,
  GpuRequest,
  LabelledResource,
  PullProgress,
} from './engine/types.js';
export { toArgv } from './flow/command.js';
export { probe, type WatchEndpointParameters, watchEndpoint } from './flow/health.js';
export { DEFAULT_LOG_CAPS, type LogCaps } from './flow/log-caps.js';
export {
  type CreateRuntimeParameters,
  createRuntime,
  DEFAULT_CAPABILITIES,
  exposedPorts,
  LABELS,
  type RunFlowParameters,
  type Runtime,
  type RuntimeEvent,
  type StopReason,
} from './flow/runtime.js';
export {
  type DetectGpusParameters,
  type DetectGpusResult,
  detectGpus,
  type GpuSpec,
  NVIDIA_SMI_QUERY,
  parseCudaVersion,
  parseNvidiaSmiCsv,
} from './gpu/detect.js';
export {
  type CreatePullTrackerParameters,
  createPullTracker,
  type EnginePullMessage,
  type PullTracker,
} from './images/pull-progress.js';
export {
  DOCKER_HUB,
  type EngineAuthConfig,
  engineAuthConfig,
  redactCredentials,
  registryOf,
} from './images/registry-auth.js';
export {
  DEFAULT_BUSYBOX_PATH,
  DEFAULT_BUSYBOX_TAG,
  type SeedBusyboxImageParameters,
  type SeedBusyboxImageResult,
  seedBusyboxImage,
} from './images/seed-busybox.js';
export {
  type AddressDecision,
  type AddressPolicy,
  type AddressPolicyParameters,
  createAddressPolicy,
  refusedRange,
} from './resources/address-policy.js';
export {
  checkResourceNames,
  type DownloadedResource,
  type DownloadOptions,
  downloadResource,
} from './resources/download.js';
