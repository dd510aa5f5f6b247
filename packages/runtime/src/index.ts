/**
 * `@nosana/runtime` — runs Nosana job definitions in containers on Docker or Podman (through dockerode).
 *
 * @packageDocumentation
 */
export {
  DEFAULT_BUSYBOX_PATH,
  DEFAULT_BUSYBOX_TAG,
  type SeedBusyboxImageParameters,
  type SeedBusyboxImageResult,
  seedBusyboxImage,
} from './images/seed-busybox.js';
