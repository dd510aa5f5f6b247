import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import '../errors.js';
import { dockerHostConfig, libpodCreateBody } from './container-config.js';
import { imageMethods } from './docker-images.js';
import { engineFailure, startFailure, statusOf } from './failures.js';
import { readLogStream } from './log-stream.js';
import type {
  ContainerEngine,
  ContainerLogLine,
  ContainerSpec,
  ContainerState,
  EngineInfo,
  LabelledResource,
} from './types.js';

/** Parameters of {@link createDockerEngine}. */
export interface CreateDockerEngineParameters {
  /** A dockerode client; default: from `DOCKER_HOST` or the standard socket. */
  docker?: Docker;
}

const labelFilter = (labels: Record<string, string>) => ({
  label: Object.entries(labels).map(([k, v]) => `${k}=${v}`),
});
/** Runs an engine request, turning its failure into a coded error. */
const request = <T>(
  operation: string,
  target: string,
  promise: Promise<T>,
  kind?: 'container' | 'network' | 'volume',
): Promise<T> =>
  promise.catch((error: unknown) => {
    throw engineFailure(operation, target, error, kind);
  });

/** Volumes and networks of jobs. */
function networkAndVolumeMethods(
  docker: Docker,
): Pick<
  ContainerEngine,
  'createVolume' | 'removeVolume' | 'createNetwork' | 'inspectNetwork' | 'removeNetwork'
> {
  return {
    async createVolume(name, labels) {
      await request('create volume', name, docker.createVolume({ Name: name, Labels: labels }), 'volume');
    },
    async removeVolume(name) {
      await docker
        .getVolume(name)
        .remove({ force: true })
        .catch((error) => {
          if (statusOf(error) !== 404) throw engineFailure('remove volume', name, error);
        });
    },
    async createNetwork(name, { labels, internal }) {
      await request(
        'create network',
        name,
        docker.createNetwork({
          Name: name,
          Labels: labels,
          Internal: internal,
          CheckDuplicate: true,
          Driver: 'bridge',
        }),
        'network',
      );
    },
    async inspectNetwork(name) {
      try {
        const network = (await docker.getNetwork(name).inspect()) as {
          Name: string;
          Driver: string;
          Options?: Record<string, string> | null;
        };
        return { name: network.Name, driver: network.Driver, options: network.Options ?? {} };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw engineFailure('inspect network', name, error);
      }
    },
    async removeNetwork(name) {
      await docker
        .getNetwork(name)
        .remove()
        .catch((error) => {
          if (statusOf(error) !== 404) throw engineFailure('remove network', name, error);
        });
    },
  };
}

/** Reading container logs (lines, per-line cap) and copying files in. */
function logAndFileMethods(docker: Docker): Pick<ContainerEngine, 'logs' | 'putFiles'> {
  return {
    async *logs(id, { since, follow, signal, maxLineBytes }): AsyncGenerator<ContainerLogLine[]> {
      // Always as a stream, as `container.logs` answers only a followed read: without follow it buffers the whole
      // retained log (tens of MB after a flood) before a line can be read, where a stream is read with backpressure.
      const raw = await request(
        'read the log of',
        id,
        new Promise<NodeJS.ReadableStream>((resolve, reject) =>
          docker.modem.dial(
            {
              path: `/containers/${id}/logs?`,
              method: 'GET',
              isStream: true,
              statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
              options: {
                follow: Boolean(follow),
                stdout: true,
                stderr: true,
                timestamps: true,
                ...(since ? { since: since / 1000 } : {}),
              },
              ...(signal ? { abortSignal: signal } : {}),
            },
            (error: unknown, stream: unknown) =>
              error ? reject(error) : resolve(stream as NodeJS.ReadableStream),
          ),
        ),
      );
      yield* readLogStream(raw, maxLineBytes);
    },

    async putFiles(id, directory, files) {
      const tar = pack();
      const done = request(
        'copy files into container',
        id,
        docker
          .getContainer(id)
          .putArchive(Readable.from(tar as unknown as AsyncIterable<Buffer>), { path: directory }),
      );
      done.catch(() => undefined);
      for (const file of files) {
        await new Promise<void>((resolve, reject) => {
          const entry = tar.entry({ name: file.name, size: file.size, mode: 0o644 }, (error) =>
            error ? reject(error) : resolve(),
          );
          createReadStream(file.path).pipe(entry);
        });
      }
      tar.finalize();
      await done;
    },
  };
}

/** Stopping, removing and listing what the runtime created. */
function lifecycleMethods(
  docker: Docker,
): Pick<
  ContainerEngine,
  'stopContainer' | 'removeContainer' | 'listContainers' | 'listVolumes' | 'listNetworks'
> {
  return {
    async stopContainer(id, graceSeconds) {
      await docker
        .getContainer(id)
        .stop({ t: graceSeconds })
        .catch((error) => {
          // 304: already stopped; 404: already gone.
          if (statusOf(error) !== 304 && statusOf(error) !== 404)
            throw engineFailure('stop container', id, error);
        });
    },

    async removeContainer(id) {
      await docker
        .getContainer(id)
        .remove({ force: true, v: true })
        .catch((error) => {
          if (statusOf(error) !== 404 && statusOf(error) !== 409)
            throw engineFailure('remove container', id, error);
        });
    },

    async listContainers(labels): Promise<LabelledResource[]> {
      const found = await request(
        'list containers',
        'by label',
        docker.listContainers({ all: true, filters: labelFilter(labels) }),
      );
      return found.map((c) => ({
        id: c.Id,
        name: c.Names?.[0]?.replace(/^\//, '') ?? c.Id,
        labels: c.Labels ?? {},
      }));
    },
    async listVolumes(labels): Promise<LabelledResource[]> {
      const found = await request(
        'list volumes',
        'by label',
        docker.listVolumes({ filters: labelFilter(labels) }),
      );
      return (found.Volumes ?? []).map((v) => ({ id: v.Name, name: v.Name, labels: v.Labels ?? {} }));
    },
    async listNetworks(labels): Promise<LabelledResource[]> {
      const found = await request(
        'list networks',
        'by label',
        docker.listNetworks({ filters: labelFilter(labels) }),
      );
      return found.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
    },
  };
}

/**
 * The container engine over dockerode, for Docker and for Podman's Docker-compatible API. GPU containers use
 * Docker's `DeviceRequests` (driver nvidia) or, on Podman, CDI devices through the libpod create endpoint.
 *
 * @example
 * ```ts
 * const engine = createDockerEngine({ docker: new Docker({ socketPath: '/var/run/docker.sock' }) });
 * ```
 */
export function createDockerEngine({
  docker = new Docker(),
}: CreateDockerEngineParameters = {}): ContainerEngine {
  let info: Promise<EngineInfo> | undefined;
  const engineInfo = () => {
    info ??= docker.version().then((v) => ({
      kind: v.Components?.some((c) => /podman/i.test(c.Name)) ? 'podman' : 'docker',
      version: v.Version,
      apiVersion: v.ApiVersion,
    }));
    return info;
  };

  const createPodmanGpuContainer = async (spec: ContainerSpec): Promise<string> => {
    const body = libpodCreateBody(spec);
    const created = await new Promise<{ Id: string }>((resolve, reject) =>
      docker.modem.dial(
        {
          path: '/v4.0.0/libpod/containers/create',
          method: 'POST',
          options: body,
          statusCodes: {
            201: true,
            400: 'bad parameter',
            404: 'no such image',
            409: 'conflict',
            500: 'server error',
          },
        },
        (error, result) => (error ? reject(error) : resolve(result as { Id: string })),
      ),
    ).catch((error: unknown) => {
      throw engineFailure('create container', spec.name, error, 'container');
    });
    return created.Id;
  };
  return {
    info: engineInfo,
    ...imageMethods(docker),
    ...networkAndVolumeMethods(docker),
    async createContainer(spec) {
      const kind = (await engineInfo()).kind;
      if (spec.gpu && kind === 'podman') return createPodmanGpuContainer(spec);
      const container = await docker
        .createContainer({
          name: spec.name,
          Image: spec.image,
          ...(spec.cmd ? { Cmd: spec.cmd } : {}),
          ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
          Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
          ...(spec.workDir ? { WorkingDir: spec.workDir } : {}),
          Labels: spec.labels,
          Tty: false,
          AttachStdout: false,
          AttachStderr: false,
          ExposedPorts: Object.fromEntries(spec.ports.map((p) => [`${p}/tcp`, {}])),
          HostConfig: dockerHostConfig(spec),
          // Aliases exist on user-defined networks only (the default bridge refuses them).
          ...(spec.network && spec.aliases?.length
            ? { NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: spec.aliases } } } }
            : {}),
        })
        .catch((error: unknown) => {
          throw engineFailure('create container', spec.name, error, 'container');
        });
      return container.id;
    },

    async startContainer(id) {
      const container = docker.getContainer(id);
      // Waiting is set up before starting so a container that exits at once is not missed.
      const exited = container
        .wait({ condition: 'next-exit' })
        .then((r: { StatusCode: number }) => ({ exitCode: r.StatusCode }));
      exited.catch(() => undefined);
      await container.start().catch(async (error: unknown) => {
        throw startFailure(id, error, (await engineInfo().catch(() => undefined))?.kind ?? 'unknown');
      });
      return { exited };
    },

    async waitContainer(id) {
      const result = (await request(
        'wait for container',
        id,
        docker.getContainer(id).wait({ condition: 'next-exit' }),
      )) as { StatusCode: number };
      return { exitCode: result.StatusCode };
    },

    async inspectContainer(id): Promise<ContainerState> {
      const c = await request('inspect container', id, docker.getContainer(id).inspect());
      const ports: Record<number, number> = {};
      for (const [key, bindings] of Object.entries(c.NetworkSettings?.Ports ?? {})) {
        const binding = (bindings as Array<{ HostPort: string }> | null)?.[0];
        if (binding?.HostPort) ports[Number.parseInt(key, 10)] = Number(binding.HostPort);
      }
      return {
        id: c.Id,
        status: c.State.Status,
        running: c.State.Running,
        restarting: c.State.Restarting,
        exitCode: c.State.ExitCode,
        oomKilled: c.State.OOMKilled,
        error: c.State.Error ?? '',
        startedAt: c.State.StartedAt,
        finishedAt: c.State.FinishedAt,
        restartCount: c.RestartCount ?? 0,
        ports,
        labels: c.Config.Labels ?? {},
      };
    },
    ...logAndFileMethods(docker),
    ...lifecycleMethods(docker),
  };
}
