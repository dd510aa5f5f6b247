import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NosanaError } from '@nosana/core';
import Docker from 'dockerode';
import '../errors.js';
import { createDockerEngine } from './docker.js';
import type { ContainerEngine, EngineInfo } from './types.js';

/** Parameters of {@link connectEngine}. */
export interface ConnectEngineParameters {
  /** Prefer this engine. Default: whatever answers first (Docker, then Podman). */
  provider?: 'docker' | 'podman';
  /** An endpoint: `unix:///path.sock`, a socket path, `tcp://host:port` or `http(s)://host:port`. */
  host?: string;
  env?: NodeJS.ProcessEnv;
}

/** A connected engine. */
export interface ConnectEngineResult {
  engine: ContainerEngine;
  info: EngineInfo;
  /** Where it answered. */
  endpoint: string;
  docker: Docker;
}

const clientFor = (endpoint: string): Docker => {
  if (endpoint.startsWith('unix://')) return new Docker({ socketPath: endpoint.slice('unix://'.length) });
  if (endpoint.startsWith('/')) return new Docker({ socketPath: endpoint });
  const url = new URL(endpoint.replace(/^tcp:/, 'http:'));
  return new Docker({
    host: url.hostname,
    port: Number(url.port || 2375),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
  });
};

/**
 * Candidate endpoints in order: an explicit host alone, else `DOCKER_HOST` alone, else the standard sockets that
 * exist.
 *
 * @example
 * ```ts
 * engineCandidates({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } }); // ['tcp://127.0.0.1:2375']
 * ```
 */
export function engineCandidates({
  provider,
  host,
  env = process.env,
}: ConnectEngineParameters = {}): string[] {
  if (host) return [host];
  if (env.DOCKER_HOST && provider !== 'podman') return [env.DOCKER_HOST];
  const docker = ['/var/run/docker.sock', join(homedir(), '.docker', 'run', 'docker.sock')];
  const podman = [
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')] : []),
    '/run/podman/podman.sock',
    join(homedir(), '.nosana', 'podman', 'podman.sock'),
  ];
  const sockets = provider === 'podman' ? podman : provider === 'docker' ? docker : [...docker, ...podman];
  return sockets.filter((s) => existsSync(s));
}

/** The explicit engine setting in force, if any: the `host` parameter, else `DOCKER_HOST`. */
function explicitSetting({ provider, host, env = process.env }: ConnectEngineParameters) {
  if (host) return { setting: 'host', endpoint: host };
  if (env.DOCKER_HOST && provider !== 'podman') return { setting: 'DOCKER_HOST', endpoint: env.DOCKER_HOST };
  return undefined;
}

const howToChange: Record<string, string> = {
  host: 'start the engine there, or give another endpoint (nosana node start --engine-host unix:///path.sock or tcp://host:port)',
  DOCKER_HOST:
    'start the engine there, point DOCKER_HOST at one that runs, or unset DOCKER_HOST to use the standard sockets (nosana node start --engine-host overrides it)',
};

/**
 * Finds and connects to a container engine (Docker or Podman's Docker-compatible API), with a clear error when
 * none answers. An engine named explicitly (`host`, or `DOCKER_HOST`) is the only one tried: when it does not
 * answer the error names that setting, rather than silently using another engine.
 *
 * @example
 * ```ts
 * const { engine, info } = await connectEngine(); // info.kind: 'docker' | 'podman'
 * ```
 */
export async function connectEngine(parameters: ConnectEngineParameters = {}): Promise<ConnectEngineResult> {
  const explicit = explicitSetting(parameters);
  const tried = engineCandidates(parameters);
  for (const endpoint of tried) {
    const docker = clientFor(endpoint);
    let reason: string | undefined;
    try {
      await docker.ping();
    } catch (error) {
      reason = `it does not answer (${(error as Error).message})`;
    }
    const engine = createDockerEngine({ docker });
    const info = reason === undefined ? await engine.info() : undefined;
    if (info && parameters.provider && info.kind !== parameters.provider)
      reason = `it is ${info.kind}, not ${parameters.provider}`;
    if (info && reason === undefined) return { engine, info, endpoint, docker };
    if (explicit)
      throw new NosanaError(
        'RUNTIME__ENGINE_SETTING_UNREACHABLE',
        `the container engine set by ${explicit.setting}=${explicit.endpoint} cannot be used: ${reason} — ${howToChange[explicit.setting]}`,
        { setting: explicit.setting, endpoint: explicit.endpoint, reason: reason ?? '' },
      );
  }
  const which = parameters.provider ?? 'Docker or Podman';
  throw new NosanaError(
    'RUNTIME__ENGINE_UNREACHABLE',
    `no ${which} engine answers${tried.length ? ` (tried ${tried.join(', ')})` : ' (no socket found)'} — start it (bash scripts/docker-up, or podman system service), or point DOCKER_HOST or nosana node start --engine-host at it`,
    { tried },
  );
}
