/**
 * Test and benchmark images of a chosen size, built locally (no registry needed to build them) and pushed to a
 * registry: the seeded busybox image (`seedBusyboxImage`) plus one layer of random bytes per size asked, so the
 * bytes a pull moves are the bytes asked for (random data does not compress).
 */
import { randomUUID } from 'node:crypto';
import { NosanaError } from '@nosana/core';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import '../errors.js';
import { DEFAULT_BUSYBOX_TAG, seedBusyboxImage } from './seed-busybox.js';

/** Parameters of {@link buildSizedImage}. */
export interface BuildSizedImageParameters {
  docker: Docker;
  /** The image reference to create, e.g. `127.0.0.1:5123/sized:200m`. */
  tag: string;
  /** One layer of random bytes per entry, in bytes (e.g. `[200 * 2 ** 20]`). */
  layers: number[];
  /** A statically linked busybox (the base layer). Default `/bin/busybox`. */
  busyboxPath?: string;
}

/** Parameters of {@link pushImage}. */
export interface PushImageParameters {
  docker: Docker;
  tag: string;
  /** Registry credentials (the registry's htpasswd user). */
  auth?: { username: string; password: string };
  /** Remove the local tag once pushed, so the next use must pull it. Default true. */
  removeLocal?: boolean;
}

/** Reads an engine's JSON-lines progress stream and fails on its first `error` entry. */
async function followEngineStream(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  image: string,
  what: string,
) {
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error, output) => {
      const failed = (output as Array<{ error?: string }> | undefined)?.find((entry) => entry.error);
      const reason = error ? (error as Error).message : failed?.error;
      if (reason)
        reject(
          new NosanaError('RUNTIME__IMAGE_BUILD_FAILED', `${what} ${image} failed: ${reason}`, {
            image,
            reason,
          }),
        );
      else resolve();
    });
  });
}

/**
 * Builds `tag` from the seeded busybox image plus one random layer per entry of `layers`. Every build is new (no
 * build cache), so two images of the same size share only the busybox layer.
 *
 * @example
 * ```ts
 * await buildSizedImage({ docker, tag: `${registry.host}/sized:200m`, layers: [200 * 2 ** 20] });
 * ```
 */
export async function buildSizedImage({
  docker,
  tag,
  layers,
  busyboxPath,
}: BuildSizedImageParameters): Promise<{ tag: string; id: string; bytes: number }> {
  await seedBusyboxImage({ docker, ...(busyboxPath ? { busyboxPath } : {}) });
  const nonce = randomUUID();
  const dockerfile = [
    `FROM ${DEFAULT_BUSYBOX_TAG}`,
    `LABEL org.nosana.test-image="${nonce}"`,
    ...layers.map(
      (bytes, index) =>
        `RUN ["/bin/sh", "-c", "head -c ${Math.max(0, Math.floor(bytes))} /dev/urandom > /payload-${index}"]`,
    ),
    'CMD ["sh"]',
  ].join('\n');
  const context = pack();
  context.entry({ name: 'Dockerfile', mode: 0o644 }, `${dockerfile}\n`);
  context.finalize();
  try {
    const stream = await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
      t: tag,
      nocache: true,
      rm: true,
      forcerm: true,
    });
    await followEngineStream(docker, stream, tag, 'building');
  } catch (error) {
    if (error instanceof NosanaError) throw error;
    throw new NosanaError(
      'RUNTIME__IMAGE_BUILD_FAILED',
      `building ${tag} failed: ${(error as Error).message}`,
      { image: tag, reason: (error as Error).message },
      { cause: error },
    );
  }
  const image = await docker.getImage(tag).inspect();
  return { tag, id: image.Id, bytes: image.Size };
}

/**
 * Pushes a local image to its registry (the host part of `tag`), then (by default) removes the local tag.
 *
 * @example
 * ```ts
 * await pushImage({ docker, tag: `${registry.host}/sized:200m`, auth: { username: 'poster', password: 's3cret' } });
 * ```
 */
export async function pushImage({
  docker,
  tag,
  auth,
  removeLocal = true,
}: PushImageParameters): Promise<void> {
  try {
    // The engine wants an X-Registry-Auth header on every push, even an empty one for an open registry.
    const stream = await docker
      .getImage(tag)
      .push({ authconfig: { ...(auth ?? {}), serveraddress: tag.split('/')[0] } });
    await followEngineStream(docker, stream as NodeJS.ReadableStream, tag, 'pushing');
  } catch (error) {
    if (error instanceof NosanaError) throw error;
    throw new NosanaError(
      'RUNTIME__IMAGE_BUILD_FAILED',
      `pushing ${tag} failed: ${(error as Error).message}`,
      { image: tag, reason: (error as Error).message },
      { cause: error },
    );
  }
  if (removeLocal) await docker.getImage(tag).remove();
}
