/** What `node specs`, `node benchmark` and `node start` share: collecting the host's specs and showing them. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostSpecs } from '@nosana/node';
import { Flags } from '@oclif/core';

/** The flags that pick the engine and the GPUs, as `node start` has them. */
export const engineFlags = {
  provider: Flags.string({
    summary: 'container engine (default: whichever answers, Docker first)',
    options: ['docker', 'podman'],
  }),
  'engine-host': Flags.string({
    summary:
      'engine endpoint: unix:///path.sock or tcp://host:port (default: DOCKER_HOST, the standard sockets)',
  }),
};

/** The node's state directory: the flag, or ~/.nosana/node. */
export const stateDirOf = (flag: string | undefined): string => flag ?? join(homedir(), '.nosana', 'node');

/** Parameters of {@link hostSpecs}. */
export interface HostSpecsParameters {
  provider?: string | undefined;
  engineHost?: string | undefined;
  gpus: 'all' | 'none';
  diskPath: string;
  speedTestUrl?: string | undefined;
}

/**
 * Collects the host's specs with the real probe; an engine that does not answer is reported, not thrown.
 *
 * @example
 * ```ts
 * const { specs } = await hostSpecs({ gpus: 'all', diskPath: stateDir });
 * ```
 */
export async function hostSpecs(parameters: HostSpecsParameters) {
  const [{ collectHostSpecs, systemProbe }, { connectEngine }] = await Promise.all([
    import('@nosana/node'),
    import('@nosana/runtime'),
  ]);
  let engineNote: string | undefined;
  const connected = await connectEngine({
    ...(parameters.provider ? { provider: parameters.provider as 'docker' | 'podman' } : {}),
    ...(parameters.engineHost ? { host: parameters.engineHost } : {}),
  }).catch((error: Error) => {
    engineNote = error.message;
    return undefined;
  });
  const specs = await collectHostSpecs({
    probe: systemProbe(),
    engine: connected?.engine,
    ...(engineNote ? { engineNote } : {}),
    gpus: parameters.gpus,
    diskPath: parameters.diskPath,
    ...(parameters.speedTestUrl ? { speedTest: { url: parameters.speedTestUrl } } : {}),
  });
  return { specs, connected };
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/**
 * The specs as `label: value` entries for `details`.
 *
 * @example
 * ```ts
 * this.log(details(await specsEntries(specs)));
 * ```
 */
export async function specsEntries(specs: HostSpecs): Promise<Array<[string, string]>> {
  const { describePcie } = await import('@nosana/node');
  const gpus: Array<[string, string]> =
    specs.gpus.length === 0
      ? [['gpu', `none (${specs.gpuNote ?? 'none found'})`]]
      : specs.gpus.map((g) => [
          `gpu ${g.index}`,
          `${g.name}, ${g.memoryMiB === null ? '? GiB' : gib(g.memoryMiB * 1024 ** 2)} VRAM, driver ${g.driverVersion || '?'}${g.computeCapability ? `, compute ${g.computeCapability}` : ''}, ${describePcie(g.pcie)}`,
        ]);
  const network = specs.network
    ? `↓ ${specs.network.downloadMbps} Mbit/s, ↑ ${specs.network.uploadMbps} Mbit/s, ${specs.network.latencyMs} ms to first byte (${specs.network.url})`
    : 'not measured (give --speed-test-url <your endpoint>)';
  return [
    ['cpu', `${specs.cpu.model} (${specs.cpu.threads} threads)`],
    ['memory', gib(specs.memory.totalBytes)],
    [
      'disk',
      specs.disk
        ? `${gib(specs.disk.freeBytes)} free of ${gib(specs.disk.totalBytes)} (${specs.disk.path})`
        : 'unknown',
    ],
    ...gpus,
    ...(specs.gpus.length > 0 ? [['cuda', specs.cudaVersion ?? 'unknown'] as [string, string]] : []),
    [
      'engine',
      specs.engine
        ? `${specs.engine.kind} ${specs.engine.version} (API ${specs.engine.apiVersion})`
        : `none (${specs.engineNote ?? 'unknown'})`,
    ],
    ['network', network],
    ['os', `${specs.os.platform} ${specs.os.release} ${specs.os.arch}`],
  ];
}
