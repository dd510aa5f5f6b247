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

/** Candidate endpoints in order: an explicit host, DOCKER_HOST, then the standard sockets. */
export function engineCandidates({
  provider,
  host,
  env = process.env,
}: ConnectEngineParameters = {}): string[] {
  if (host) return [host];
  const docker = ['/var/run/docker.sock', join(homedir(), '.docker', 'run', 'docker.sock')];
  const podman = [
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')] : []),
    '/run/podman/podman.sock',
    join(homedir(), '.nosana', 'podman', 'podman.sock'),
  ];
  const sockets = provider === 'podman' ? podman : provider === 'docker' ? docker : [...docker, ...podman];
  return [
    ...(env.DOCKER_HOST && provider !== 'podman' ? [env.DOCKER_HOST] : []),
    ...sockets.filter((s) => existsSync(s)),
  ];
}

/**
 * Finds and connects to a container engine (Docker or Podman's Docker-compatible API), with a clear error when
 * none answers.
 *
 * @example
 * ```ts
 * const { engine, info } = await connectEngine(); // info.kind: 'docker' | 'podman'
 * ```
 */
export async function connectEngine(parameters: ConnectEngineParameters = {}): Promise<ConnectEngineResult> {
  const tried = engineCandidates(parameters);
  for (const endpoint of tried) {
    const docker = clientFor(endpoint);
    try {
      await docker.ping();
    } catch {
      continue;
    }
    const engine = createDockerEngine({ docker });
    const info = await engine.info();
    if (parameters.provider && info.kind !== parameters.provider) continue;
    return { engine, info, endpoint, docker };
  }
  const which = parameters.provider ?? 'Docker or Podman';
  throw new NosanaError(
    'RUNTIME__ENGINE_UNREACHABLE',
    `no ${which} engine answers${tried.length ? ` (tried ${tried.join(', ')})` : ' (no socket found)'} — start it (bash scripts/docker-up, or podman system service), or point DOCKER_HOST / --docker at it`,
    { tried },
  );
}
