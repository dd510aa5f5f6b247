import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { seedBusyboxImage } from './seed-busybox.js';

// Smoke test of the real engine: seed an image without a registry, run a container from it, read its output.
const docker = new Docker();
const tag = `nosana-test/busybox:${process.pid}`;

describe('seedBusyboxImage on the real engine', () => {
  afterAll(async () => {
    await docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('loads a busybox image built from the host binary and keeps it on the next call', async () => {
    const first = await seedBusyboxImage({ docker, tag });
    expect(first).toMatchObject({ tag, created: true });
    expect(first.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const image = await docker.getImage(tag).inspect();
    expect(image.Config.Labels).toMatchObject({ 'org.nosana.seed': 'busybox' });
    expect(await seedBusyboxImage({ docker, tag })).toEqual({ tag, id: first.id, created: false });
  });

  it('runs a container from the seeded image and returns its output and exit code', async () => {
    const container = await docker.createContainer({
      Image: tag,
      Cmd: ['sh', '-c', 'echo "hello from $(uname -s)"; echo oops >&2; exit 3'],
      Labels: { 'org.nosana.test': String(process.pid) },
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      const exited = container.wait({ condition: 'next-exit' });
      await container.start();
      const { StatusCode } = await exited;
      const logs = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
      expect(StatusCode).toBe(3);
      // Without a TTY, each frame has an 8-byte header whose first byte is the stream (1 stdout, 2 stderr).
      const frames: Array<[number, string]> = [];
      for (let offset = 0; offset < logs.length; ) {
        const size = logs.readUInt32BE(offset + 4);
        frames.push([logs[offset]!, logs.subarray(offset + 8, offset + 8 + size).toString()]);
        offset += 8 + size;
      }
      // stdout and stderr are separate streams: their relative order is not guaranteed.
      expect(frames.sort()).toEqual([
        [1, 'hello from Linux\n'],
        [2, 'oops\n'],
      ]);
    } finally {
      await container.remove({ force: true });
    }
  });
});
