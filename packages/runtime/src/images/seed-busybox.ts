/**
 * Seeds a container engine with a tiny BusyBox image built from the host's static busybox binary
 * (Debian/Ubuntu package `busybox-static`), with no registry: the image is written as a docker-archive
 * (manifest.json + config + one layer) and loaded with the engine's `load` endpoint, which Docker and
 * Podman both accept.
 *
 * This is how the demo and the tests get images on machines where no registry is reachable. The image is
 * labelled `org.nosana.seed=busybox` so it is never mistaken for one pulled from a registry.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { NosanaError } from '@nosana/core';
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import '../errors.js';
import { engineFailure, statusOf } from '../engine/failures.js';

/** Where Debian's busybox-static installs the binary. */
export const DEFAULT_BUSYBOX_PATH = '/bin/busybox';
/** The tag the examples use; on real hosts the same name is pulled from Docker Hub. */
export const DEFAULT_BUSYBOX_TAG = 'busybox:1.35';

/** Parameters of {@link seedBusyboxImage}. */
export interface SeedBusyboxImageParameters {
  /** A dockerode client for the engine to seed. */
  docker: Docker;
  /** Image reference to create. Default {@link DEFAULT_BUSYBOX_TAG}. */
  tag?: string;
  /** A statically linked busybox binary. Default {@link DEFAULT_BUSYBOX_PATH}. */
  busyboxPath?: string;
  /** Replace an existing image with the same tag. Default false: an existing image is left alone. */
  replace?: boolean;
}

/** What {@link seedBusyboxImage} did. */
export interface SeedBusyboxImageResult {
  tag: string;
  /** The image id (`sha256:…`). */
  id: string;
  /** False when an image with the tag already existed and was kept. */
  created: boolean;
}

/**
 * Makes sure `tag` exists on the engine, building it from the host's busybox binary if it does not.
 *
 * @example
 * ```ts
 * const docker = new Docker();
 * await seedBusyboxImage({ docker }); // { tag: 'busybox:1.35', id: 'sha256:…', created: true }
 * ```
 */
export async function seedBusyboxImage({
  docker,
  tag = DEFAULT_BUSYBOX_TAG,
  busyboxPath = DEFAULT_BUSYBOX_PATH,
  replace = false,
}: SeedBusyboxImageParameters): Promise<SeedBusyboxImageResult> {
  if (!replace) {
    const existing = await docker
      .getImage(tag)
      .inspect()
      .catch((error: unknown) => {
        if (statusOf(error) === 404) return undefined;
        throw engineFailure('inspect image', tag, error);
      });
    if (existing) return { tag, id: existing.Id, created: false };
  }
  const binary = await readFile(busyboxPath).catch((error: NodeJS.ErrnoException) => {
    throw new NosanaError(
      'RUNTIME__IMAGE_SEED_FAILED',
      `cannot read ${busyboxPath} (${error.code}): install a static busybox (Debian/Ubuntu: apt-get install busybox-static)`,
      { image: tag, reason: `cannot read ${busyboxPath} (${error.code})` },
      { cause: error },
    );
  });
  const applets = await listApplets(busyboxPath);
  const archive = await dockerArchive({ tag, binary, applets });
  const output = await docker.loadImage(archive as unknown as NodeJS.ReadableStream, { quiet: true });
  await drainLoadOutput(output, tag);
  const image = await docker.getImage(tag).inspect();
  return { tag, id: image.Id, created: true };
}

async function listApplets(busyboxPath: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(busyboxPath, ['--list']);
  return stdout
    .split('\n')
    .map((name) => name.trim())
    .filter((name) => /^[\w.[-]+$/.test(name) && name !== 'busybox');
}

/** @internal A docker-archive (the `docker save` format) holding one layer with /bin/busybox and its applet links. */
export async function dockerArchive({
  tag,
  binary,
  applets,
}: {
  tag: string;
  binary: Buffer;
  applets: string[];
}): Promise<Buffer> {
  const mtime = new Date(0);
  const layer = await tarToBuffer((tar) => {
    tar.entry({ name: 'bin/', type: 'directory', mode: 0o755, mtime });
    tar.entry({ name: 'bin/busybox', mode: 0o755, mtime }, binary);
    for (const applet of applets)
      tar.entry({ name: `bin/${applet}`, type: 'symlink', linkname: 'busybox', mtime });
    for (const dir of ['tmp/', 'root/', 'etc/', 'proc/', 'sys/', 'dev/']) {
      tar.entry({ name: dir, type: 'directory', mode: dir === 'tmp/' ? 0o1777 : 0o755, mtime });
    }
    tar.entry(
      { name: 'etc/passwd', mode: 0o644, mtime },
      'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n',
    );
    tar.entry({ name: 'etc/group', mode: 0o644, mtime }, 'root:x:0:\nnobody:x:65534:\n');
  });
  const diffId = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
  const config = Buffer.from(
    JSON.stringify({
      architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
      os: 'linux',
      created: mtime.toISOString(),
      config: {
        Env: ['PATH=/bin'],
        Cmd: ['sh'],
        WorkingDir: '/',
        Labels: { 'org.nosana.seed': 'busybox' },
      },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created: mtime.toISOString(), created_by: 'nosana: seeded from the host busybox binary' }],
    }),
  );
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ['layer/layer.tar'] }]);
  return tarToBuffer((tar) => {
    tar.entry({ name: configName, mtime }, config);
    tar.entry({ name: 'layer/', type: 'directory', mode: 0o755, mtime });
    tar.entry({ name: 'layer/layer.tar', mtime }, layer);
    tar.entry({ name: 'manifest.json', mtime }, manifest);
  });
}

async function tarToBuffer(fill: (tar: ReturnType<typeof pack>) => void): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  fill(tar);
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Reads the engine's JSON-lines answer to a load and fails on an `error` entry. */
async function drainLoadOutput(output: NodeJS.ReadableStream, tag: string): Promise<void> {
  let text = '';
  for await (const chunk of output) text += chunk.toString();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const message = JSON.parse(line) as { error?: string; errorDetail?: { message?: string } };
    if (message.error)
      throw new NosanaError(
        'RUNTIME__IMAGE_SEED_FAILED',
        `the engine refused the seeded image ${tag}: ${message.errorDetail?.message ?? message.error}`,
        { image: tag, reason: message.errorDetail?.message ?? message.error },
      );
  }
}
