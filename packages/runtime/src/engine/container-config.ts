/**
 * What the engine adapter sends to create a container, as pure functions of a `ContainerSpec`: Docker's
 * `HostConfig` (compat API, Docker and Podman) and the libpod create body (Podman GPU containers, CDI devices).
 * Both carry the same security defaults: no privileges, all capabilities dropped but `capAdd`, no-new-privileges,
 * an init, limits, named volumes only, ports on 127.0.0.1.
 */
import type Docker from 'dockerode';
import type { ContainerSpec } from './types.js';

/**
 * Docker's `HostConfig` of a container.
 *
 * @example
 * ```ts
 * dockerHostConfig(spec).CapDrop; // ['ALL']
 * ```
 */
export const dockerHostConfig = (spec: ContainerSpec): Docker.HostConfig => ({
  Privileged: false,
  CapDrop: ['ALL'],
  CapAdd: spec.capAdd,
  SecurityOpt: ['no-new-privileges'],
  Init: true,
  ...(spec.limits.memoryBytes
    ? { Memory: spec.limits.memoryBytes, MemorySwap: spec.limits.memoryBytes }
    : {}),
  ...(spec.limits.nanoCpus ? { NanoCpus: spec.limits.nanoCpus } : {}),
  ...(spec.limits.pids ? { PidsLimit: spec.limits.pids } : {}),
  LogConfig: {
    Type: 'json-file',
    Config: { 'max-size': String(spec.logLimit.maxSizeBytes), 'max-file': String(spec.logLimit.maxFiles) },
  },
  Mounts: spec.volumes.map((v) => ({
    Type: 'volume',
    Source: v.name,
    Target: v.dest,
    ReadOnly: v.readOnly ?? false,
  })),
  PortBindings: Object.fromEntries(
    spec.ports.map((p) => [`${p}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]]),
  ),
  NetworkMode: spec.network ?? 'none',
  ...(spec.restart && spec.restart.policy !== 'no'
    ? {
        RestartPolicy: {
          Name: spec.restart.policy,
          ...(spec.restart.policy === 'on-failure' && spec.restart.maxRetries !== undefined
            ? { MaximumRetryCount: spec.restart.maxRetries }
            : {}),
        },
      }
    : {}),
  ...(spec.gpu
    ? {
        DeviceRequests: [
          {
            Driver: 'nvidia',
            ...('all' in spec.gpu ? { Count: -1 } : { DeviceIDs: spec.gpu.ids }),
            Capabilities: [['gpu', 'compute', 'utility']],
          },
        ],
      }
    : {}),
});

/**
 * The body of `POST /libpod/containers/create` for a Podman GPU container: the compat API ignores
 * `DeviceRequests`, so CDI devices go through libpod.
 *
 * @example
 * ```ts
 * libpodCreateBody({ ...spec, gpu: { all: true } }).devices; // [{ path: 'nvidia.com/gpu=all' }]
 * ```
 */
export function libpodCreateBody(spec: ContainerSpec): Record<string, unknown> {
  // Podman's compat API ignores DeviceRequests; CDI devices are only honoured by the libpod endpoint.
  const devices =
    spec.gpu && 'all' in spec.gpu
      ? [{ path: 'nvidia.com/gpu=all' }]
      : (spec.gpu as { ids: string[] }).ids.map((id) => ({ path: `nvidia.com/gpu=${id}` }));
  return {
    name: spec.name,
    image: spec.image,
    ...(spec.cmd ? { command: spec.cmd } : {}),
    ...(spec.entrypoint ? { entrypoint: spec.entrypoint } : {}),
    env: spec.env,
    ...(spec.workDir ? { work_dir: spec.workDir } : {}),
    labels: spec.labels,
    devices,
    cap_drop: ['ALL'],
    cap_add: spec.capAdd,
    no_new_privileges: true,
    init: true,
    volumes: spec.volumes.map((v) => ({ Name: v.name, Dest: v.dest, Options: v.readOnly ? ['ro'] : [] })),
    portmappings: spec.ports.map((p) => ({ container_port: p, host_ip: '127.0.0.1', protocol: 'tcp' })),
    ...(spec.network
      ? { netns: { nsmode: 'bridge' }, Networks: { [spec.network]: { aliases: spec.aliases ?? [] } } }
      : { netns: { nsmode: 'none' } }),
    resource_limits: {
      ...(spec.limits.memoryBytes
        ? { memory: { limit: spec.limits.memoryBytes, swap: spec.limits.memoryBytes } }
        : {}),
      ...(spec.limits.pids ? { pids: { limit: spec.limits.pids } } : {}),
      ...(spec.limits.nanoCpus
        ? { cpu: { quota: Math.round(spec.limits.nanoCpus / 10_000), period: 100_000 } }
        : {}),
    },
    log_configuration: { driver: 'json-file', size: spec.logLimit.maxSizeBytes },
    ...(spec.restart && spec.restart.policy !== 'no'
      ? {
          restart_policy: spec.restart.policy,
          ...(spec.restart.maxRetries !== undefined ? { restart_tries: spec.restart.maxRetries } : {}),
        }
      : {}),
  };
}
