/**
 * A real image registry on loopback for tests and benchmarks: Debian's `docker-registry` package (the CNCF
 * distribution registry, `apt-get install docker-registry`) started on 127.0.0.1 with a data directory and a
 * configuration file of its own, optionally behind htpasswd (bcrypt) basic authentication. Docker treats registries
 * on 127.0.0.0/8 as insecure by default, so plain HTTP works without any daemon setting.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NosanaError } from '@nosana/core';
import '../errors.js';

/** Where Debian's `docker-registry` package installs the registry. */
export const DEFAULT_REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Parameters of {@link startLocalRegistry}. */
export interface StartLocalRegistryParameters {
  /** Require these credentials (htpasswd, bcrypt). Default: no authentication. */
  auth?: { username: string; password: string };
  /** Port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** The registry binary. Default {@link DEFAULT_REGISTRY_BINARY} (or `NOSANA_REGISTRY_BINARY`). */
  binary?: string;
  /** Parent of the registry's own directory (config, htpasswd, data). Default: the OS temp directory. */
  parentDir?: string;
  /** Give up waiting for the registry to answer after this long. Default 20 s. */
  readyTimeoutMs?: number;
}

/** A running local registry. */
export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the prefix of image references (`127.0.0.1:5123/app:1`). */
  host: string;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The registry's directory (configuration, htpasswd, `data/`); removed by `stop`. */
  dir: string;
  /** Stops the registry and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the registry to bind). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The registry's configuration (distribution 2.x, YAML written as JSON, which YAML accepts). */
function registryConfig(dir: string, port: number, withAuth: boolean): string {
  return JSON.stringify(
    {
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: join(dir, 'data') }, delete: { enabled: true } },
      http: { addr: `127.0.0.1:${port}`, headers: { 'X-Content-Type-Options': ['nosniff'] } },
      ...(withAuth ? { auth: { htpasswd: { realm: 'nosana-local', path: join(dir, 'htpasswd') } } } : {}),
    },
    null,
    2,
  );
}

/** Resolves once `GET /v2/` answers (200 open, 401 with auth); rejects if the process exits first. */
async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number, stderr: () => string) {
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`the registry exited (${signal ?? `code ${code}`}) before answering: ${stderr()}`)),
    ),
  );
  exited.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await Promise.race([
      fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) }).then(
        (response) => response.status,
        () => 0,
      ),
      exited,
    ]);
    if (answer === 200 || answer === 401) return;
    if (Date.now() > deadline)
      throw new Error(`no answer from ${url}/v2/ within ${timeoutMs} ms: ${stderr()}`);
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), exited]);
  }
}

/**
 * Starts a registry on 127.0.0.1 with a fresh directory; `stop()` ends it and removes the directory. Throws
 * `RUNTIME__REGISTRY_START_FAILED` when the binary is missing or the registry does not answer.
 *
 * @example
 * ```ts
 * const registry = await startLocalRegistry({ auth: { username: 'poster', password: 's3cret' } });
 * // push to `${registry.host}/app:1`, pull it with the credentials, then:
 * await registry.stop();
 * ```
 */
export async function startLocalRegistry({
  auth,
  port,
  binary = process.env.NOSANA_REGISTRY_BINARY ?? DEFAULT_REGISTRY_BINARY,
  parentDir = tmpdir(),
  readyTimeoutMs = 20_000,
}: StartLocalRegistryParameters = {}): Promise<LocalRegistry> {
  const dir = await mkdtemp(join(parentDir, 'nosana-registry-'));
  const chosen = port ?? (await freePort());
  const host = `127.0.0.1:${chosen}`;
  const url = `http://${host}`;
  let child: ChildProcess | undefined;
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (auth) {
      const { hash } = await import('bcryptjs');
      await writeFile(join(dir, 'htpasswd'), `${auth.username}:${await hash(auth.password, 10)}\n`, {
        mode: 0o600,
      });
    }
    const config = join(dir, 'config.yml');
    await writeFile(config, registryConfig(dir, chosen, auth !== undefined), { mode: 0o600 });
    let stderr = '';
    const spawned = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = spawned;
    spawned.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const spawnFailed = new Promise<never>((_, reject) => spawned.once('error', reject));
    spawnFailed.catch(() => undefined);
    await Promise.race([waitUntilAnswering(url, spawned, readyTimeoutMs, () => stderr.trim()), spawnFailed]);
    return { host, url, dir, stop };
  } catch (error) {
    await stop();
    throw new NosanaError(
      'RUNTIME__REGISTRY_START_FAILED',
      `cannot start the local registry ${binary} on ${host}: ${(error as Error).message} — install it with apt-get install docker-registry (or set NOSANA_REGISTRY_BINARY)`,
      { binary, address: host, reason: (error as Error).message },
      { cause: error },
    );
  }
}
