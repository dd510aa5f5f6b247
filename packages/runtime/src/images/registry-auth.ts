/**
 * Registry credentials of a job definition (`ops[].args.authentication.docker`: `username`, `password`, optional
 * `email` and `server`) as the engine wants them, and the one rule that keeps them secret: every text that leaves
 * a pull (errors, events, logs) goes through {@link redactCredentials} first. Pure.
 */
import type { DockerAuth } from '@nosana/core';

/** Docker Hub's registry, as image references name it implicitly and as the engine's auth config names it. */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_AUTH_SERVER = 'https://index.docker.io/v1/';

/** The engine's auth config (the `X-Registry-Auth` header's JSON). */
export interface EngineAuthConfig {
  username?: string;
  password?: string;
  email?: string;
  serveraddress: string;
}

/**
 * The registry an image reference pulls from: its first path component when that names a host (has a `.` or a
 * `:`, or is `localhost`), Docker Hub otherwise.
 *
 * @example
 * ```ts
 * registryOf('127.0.0.1:5000/app:1'); // '127.0.0.1:5000'
 * registryOf('ubuntu');               // 'docker.io'
 * ```
 */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : DOCKER_HUB;
}

/**
 * The engine auth config for pulling `image` with a definition's credentials. The real definitions often leave
 * `server` out (e.g. `{ username, password }`): the registry of the image is used then.
 *
 * @example
 * ```ts
 * engineAuthConfig('127.0.0.1:5000/app:1', { username: 'u', password: 'p' });
 * // { username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' }
 * ```
 */
export function engineAuthConfig(image: string, auth: DockerAuth): EngineAuthConfig {
  const registry = auth.server?.trim() || registryOf(image);
  return {
    ...(auth.username !== undefined ? { username: auth.username } : {}),
    ...(auth.password !== undefined ? { password: auth.password } : {}),
    ...(auth.email !== undefined ? { email: auth.email } : {}),
    serveraddress: registry === DOCKER_HUB ? DOCKER_HUB_AUTH_SERVER : registry,
  };
}

/**
 * `text` without the credentials' secret parts: the password and the username (also base64-encoded, as in a
 * basic-auth header) are replaced by `***`. Values shorter than 3 characters are left alone (they would mask
 * unrelated text and are no secret worth the name).
 *
 * @example
 * ```ts
 * redactCredentials('login as poster:s3cret failed', { username: 'poster', password: 's3cret' });
 * // 'login as ***:*** failed'
 * ```
 */
export function redactCredentials(text: string, auth: DockerAuth | undefined): string {
  if (!auth) return text;
  const secrets = new Set<string>();
  for (const value of [auth.password, auth.username]) {
    if (!value || value.length < 3) continue;
    secrets.add(value);
  }
  if (auth.username && auth.password)
    secrets.add(Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  return out;
}
