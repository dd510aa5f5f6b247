/**
 * Images on a dockerode engine: presence, inspection and pulls — with the definition's registry credentials (sent
 * to the engine only, redacted from every message), layer progress through the pull tracker, and the engine's
 * refusals turned into coded errors (`RUNTIME__IMAGE_PULL_UNAUTHORIZED`, `RUNTIME__IMAGE_PULL_FAILED`).
 */
import { NosanaError } from '@nosana/core';
import type Docker from 'dockerode';
import '../errors.js';
import { createPullTracker, type EnginePullMessage } from '../images/pull-progress.js';
import { engineAuthConfig, redactCredentials, registryOf } from '../images/registry-auth.js';
import { engineFailure, messageOf, statusOf } from './failures.js';
import type { ContainerEngine } from './types.js';

/** Engine answers that mean the registry refused the credentials (or wanted some). */
const UNAUTHORIZED =
  /unauthorized|authentication required|no basic auth credentials|incorrect username or password/i;

type PullAuth = NonNullable<Parameters<ContainerEngine['pullImage']>[1]>['auth'];

/**
 * The coded error of a failed pull, its message free of the credentials. The engine's error is kept as the cause
 * only when no credentials were given: the request it may carry holds them.
 */
export function pullFailure(image: string, error: unknown, auth: PullAuth): NosanaError {
  const reason = redactCredentials(messageOf(error), auth).trim();
  const registry = registryOf(image);
  const options = auth ? {} : { cause: error };
  if (UNAUTHORIZED.test(reason))
    return new NosanaError(
      'RUNTIME__IMAGE_PULL_UNAUTHORIZED',
      auth
        ? `registry ${registry} refused the credentials of ops[].args.authentication.docker for image ${image} (${reason}) — check the username and password (a token for registries that use them)`
        : `registry ${registry} wants credentials for image ${image} (${reason}) — add them as ops[].args.authentication.docker { "username": …, "password": … }`,
      { image, registry, credentials: auth !== undefined, reason },
      options,
    );
  return new NosanaError(
    'RUNTIME__IMAGE_PULL_FAILED',
    `cannot pull image ${image}: ${reason} — check the name, the registry credentials and that the registry is reachable`,
    { image, reason },
    options,
  );
}

/**
 * Image methods of the dockerode engine.
 *
 * @example
 * ```ts
 * const images = imageMethods(new Docker());
 * await images.pullImage('127.0.0.1:5000/app:1', { auth: { username: 'u', password: 'p' } });
 * ```
 */
export function imageMethods(
  docker: Docker,
): Pick<ContainerEngine, 'imageExists' | 'inspectImage' | 'pullImage' | 'removeImage'> {
  return {
    async inspectImage(image) {
      try {
        const info = await docker.getImage(image).inspect();
        return { id: info.Id, repoDigests: info.RepoDigests ?? [], size: info.Size };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw engineFailure('inspect image', image, error);
      }
    },

    async removeImage(image) {
      try {
        // Not forced: the engine refuses (409) while any container uses the image, which is what keeps it.
        await docker.getImage(image).remove();
        return 'removed';
      } catch (error) {
        if (statusOf(error) === 404) return 'missing';
        if (statusOf(error) === 409) return 'in-use';
        throw engineFailure('remove image', image, error);
      }
    },

    async imageExists(image) {
      try {
        await docker.getImage(image).inspect();
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw engineFailure('inspect image', image, error);
      }
    },

    async pullImage(image, { auth, onProgress, signal } = {}) {
      const tracker = createPullTracker({ image, onProgress: (progress) => onProgress?.(progress) });
      try {
        const stream = await docker.pull(image, {
          ...(auth ? { authconfig: engineAuthConfig(image, auth) } : {}),
          ...(signal ? { abortSignal: signal } : {}),
        });
        await new Promise<void>((resolve, reject) => {
          docker.modem.followProgress(
            stream,
            (error, output) => {
              const failed = (output as Array<{ error?: string }> | undefined)?.find((o) => o.error);
              if (error) reject(error);
              else if (failed) reject(new Error(failed.error));
              else resolve();
            },
            (message: EnginePullMessage) => tracker.update(message),
          );
        });
      } catch (error) {
        throw pullFailure(image, error, auth);
      }
      tracker.finish();
    },
  };
}
