import { isNosanaError, type JobDefinition } from '@nosana/core';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine, PullProgress } from '../engine/types.js';
import { createRuntime, type RuntimeEvent } from '../flow/runtime.js';
import { type LocalRegistry, startLocalRegistry } from './local-registry.js';
import { buildSizedImage, pushImage } from './sized-image.js';

/*
 * Pulls from a real registry (Debian's docker-registry, started on 127.0.0.1 by the test): layer progress, private
 * registries with the job definition's credentials (htpasswd), coded refusals, and credentials kept out of every
 * message, event and result.
 */
const MiB = 2 ** 20;
const credentials = { username: 'poster-7f3a', password: 'pw-Secret-91c4e2' };
const scope = `it-registry-${process.pid}`;
let docker: Docker;
let engine: ContainerEngine;
let open: LocalRegistry;
let guarded: LocalRegistry;
const made: string[] = [];

/** Builds an image of the given layer sizes and pushes it to `registry` (the local tag is removed). */
async function published(registry: LocalRegistry, name: string, layers: number[], auth?: typeof credentials) {
  const tag = `${registry.host}/${name}`;
  made.push(tag);
  await buildSizedImage({ docker, tag, layers });
  await pushImage({ docker, tag, ...(auth ? { auth } : {}) });
  return tag;
}

const definition = (image: string, docker?: Record<string, string>): JobDefinition => ({
  version: '0.1',
  type: 'container',
  meta: { trigger: 'cli' },
  ops: [
    {
      type: 'container/run',
      id: 'private-hello',
      args: {
        image,
        cmd: 'echo hello from a private image',
        ...(docker ? { authentication: { docker } } : {}),
      },
    },
  ],
});

beforeAll(async () => {
  ({ engine, docker } = await connectEngine());
  [open, guarded] = await Promise.all([startLocalRegistry(), startLocalRegistry({ auth: credentials })]);
}, 60_000);

afterAll(async () => {
  if (engine) await createRuntime({ engine, scope }).reap();
  for (const tag of made)
    await docker
      ?.getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  await Promise.all([open?.stop(), guarded?.stop()]);
});

describe('local registry (docker-registry on 127.0.0.1)', () => {
  it('answers on loopback with its own directory, and asks for credentials when it has htpasswd', async () => {
    expect(open.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((await fetch(`${open.url}/v2/`)).status).toBe(200);
    expect((await fetch(`${guarded.url}/v2/`)).status).toBe(401);
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    expect((await fetch(`${guarded.url}/v2/`, { headers: { authorization: `Basic ${basic}` } })).status).toBe(
      200,
    );
  });

  it('stops cleanly and removes its directory', async () => {
    const extra = await startLocalRegistry();
    const { existsSync } = await import('node:fs');
    expect(existsSync(extra.dir)).toBe(true);
    await extra.stop();
    expect(existsSync(extra.dir)).toBe(false);
    await expect(fetch(`${extra.url}/v2/`)).rejects.toThrow();
  });
});

describe('pulls from the registry', () => {
  it('reports layer progress: bytes of every layer, ending complete with all bytes', async () => {
    const tag = await published(open, 'sized:progress', [6 * MiB, 3 * MiB]);
    expect(await engine.imageExists(tag)).toBe(false);
    const seen: PullProgress[] = [];
    await engine.pullImage(tag, { onProgress: (progress) => seen.push(progress) });
    expect(await engine.imageExists(tag)).toBe(true);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ image: tag, phase: 'complete' });
    // Random bytes do not compress: the compressed layers are at least the bytes generated.
    expect(last.total).toBeGreaterThanOrEqual(9 * MiB);
    expect(last.current).toBe(last.total);
    expect(last.layers).toMatchObject({ total: 2, done: 2 });
    // Every phase is reported (phase changes are never throttled), in order, bytes never above the total known.
    const phases = seen.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['downloading', 'extracting', 'complete']);
    for (const p of seen) expect(p.current).toBeLessThanOrEqual(p.total);
  });

  it('counts layers already present as cached, not as bytes to pull', async () => {
    const tag = await published(open, 'sized:cached', [2 * MiB]);
    const seen: PullProgress[] = [];
    await engine.pullImage(tag, { onProgress: (progress) => seen.push(progress) });
    // The busybox base layer is on the host already (the image was built from it).
    expect(seen.at(-1)?.layers).toMatchObject({ total: 1, done: 1, cached: 1 });
  });
});

describe('removing images (the node’s image cache)', () => {
  it('reports the size, refuses an image a container uses, removes it once unused, then says missing', async () => {
    const tag = await published(open, 'evict:1', [1 * MiB]);
    await engine.pullImage(tag);
    expect((await engine.inspectImage!(tag))?.size).toBeGreaterThanOrEqual(1 * MiB);
    const container = await docker.createContainer({
      Image: tag,
      Cmd: ['true'],
      name: `nosana-evict-${process.pid}`,
    });
    expect(await engine.removeImage!(tag)).toBe('in-use');
    expect(await engine.imageExists(tag)).toBe(true);
    await container.remove({ force: true });
    expect(await engine.removeImage!(tag)).toBe('removed');
    expect(await engine.imageExists(tag)).toBe(false);
    expect(await engine.removeImage!(tag)).toBe('missing');
  });
});

describe('private registries (htpasswd) with the definition’s credentials', () => {
  let image: string;
  beforeAll(async () => {
    image = await published(guarded, 'private:1', [1 * MiB], credentials);
  }, 120_000);

  it('refuses a pull without credentials with a coded error saying how to add them', async () => {
    const error = await engine.pullImage(image).catch((e: unknown) => e);
    expect(isNosanaError(error, 'RUNTIME__IMAGE_PULL_UNAUTHORIZED')).toBe(true);
    if (!isNosanaError(error, 'RUNTIME__IMAGE_PULL_UNAUTHORIZED')) return;
    expect(error.context).toMatchObject({ image, registry: guarded.host, credentials: false });
    expect(error.message).toContain('authentication.docker');
  });

  it('refuses wrong credentials with a coded error that never shows them', async () => {
    const wrong = { username: credentials.username, password: 'wrong-Passw0rd-5512' };
    const error = await engine.pullImage(image, { auth: wrong }).catch((e: unknown) => e);
    expect(isNosanaError(error, 'RUNTIME__IMAGE_PULL_UNAUTHORIZED')).toBe(true);
    if (!isNosanaError(error, 'RUNTIME__IMAGE_PULL_UNAUTHORIZED')) return;
    expect(error.context.credentials).toBe(true);
    const everything = JSON.stringify({ message: error.message, context: error.context, stack: error.stack });
    expect(everything).not.toContain(wrong.password);
    expect(error.cause).toBeUndefined();
  });

  it('runs a job whose definition carries the credentials as the real examples do (username and password only)', async () => {
    const events: RuntimeEvent[] = [];
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-private-ok',
      definition: definition(image, credentials),
      onEvent: (event) => events.push(event),
    });
    expect(state.status).toBe('success');
    expect(state.opStates[0]?.logs.map((l) => l.log)).toContain('hello from a private image');
    expect(events.some((e) => e.type === 'pull')).toBe(true);
    const everything = JSON.stringify({ state, events });
    expect(everything).not.toContain(credentials.password);
    expect(everything).not.toContain(credentials.username);
    // The container keeps no trace of them either.
    expect(JSON.stringify(await docker.listContainers({ all: true }))).not.toContain(credentials.password);
  });

  it('fails the op (event pull, coded) with wrong credentials in the definition, never echoing them', async () => {
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
    const wrong = { username: 'someone-else-42', password: 'Wrong-pw-771bd' };
    const events: RuntimeEvent[] = [];
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-private-wrong',
      definition: definition(image, wrong),
      onEvent: (event) => events.push(event),
    });
    expect(state.status).toBe('failed');
    expect(state.opStates[0]).toMatchObject({
      status: 'failed',
      error: { event: 'pull', code: 'RUNTIME__IMAGE_PULL_UNAUTHORIZED' },
    });
    const everything = JSON.stringify({ state, events });
    expect(everything).not.toContain(wrong.password);
    expect(everything).not.toContain(wrong.username);
  });
});
