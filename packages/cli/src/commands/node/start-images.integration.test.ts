/**
 * `nosana node start --pre-pull <image> --image-cache <GiB>` (the built binary) against a localnet in this process,
 * the real Docker engine and a local docker-registry: the image is pulled before the node joins the queue, and bad
 * values are refused before the node starts.
 */
import { join } from 'node:path';
import { connectEngine } from '@nosana/runtime';
import { buildSizedImage, type LocalRegistry, pushImage, startLocalRegistry } from '@nosana/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliNode, startCliNode, startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCli } from '../../../test/run-cli.js';

let network: TestNetwork;
let registry: LocalRegistry;
let docker: Awaited<ReturnType<typeof connectEngine>>['docker'];
let image: string;
let node: CliNode | undefined;

beforeAll(async () => {
  ({ docker } = await connectEngine());
  [network, registry] = await Promise.all([startTestNetwork(), startLocalRegistry()]);
  image = `${registry.host}/pre-pull-tool:1`;
  await buildSizedImage({ docker, tag: image, layers: [1024 * 1024] });
  // Pushed, then removed here: only a pull can bring it back.
  await pushImage({ docker, tag: image });
}, 180_000);
afterAll(async () => {
  if (node) await node.stop();
  await docker
    .getImage(image)
    .remove({ force: true })
    .catch(() => undefined);
  await registry?.stop();
  await network?.close();
});

describe('nosana node start: image flags', () => {
  it('pulls a --pre-pull image before joining the queue, with an image cache limit', async () => {
    expect(
      await docker
        .getImage(image)
        .inspect()
        .catch(() => null),
    ).toBeNull();
    const wallet = network.wallet();
    node = await startCliNode(network.env(wallet.path), join(network.dir, 'node'), [
      '--pre-pull',
      image,
      '--image-cache',
      '5',
    ]);
    expect(node.output()).toMatch(new RegExp(`image ${image.replace(/[.]/g, '\\.')} pulled \\(`));
    // Pulled before the node queued (startCliNode returns once it is queued).
    expect(node.output().indexOf(`image ${image}`)).toBeLessThan(node.output().indexOf('queued in market'));
    expect((await docker.getImage(image).inspect()).RepoTags).toContain(image);
    expect(await node.stop()).toBe(0);
    node = undefined;
  }, 120_000);

  it('refuses a malformed --pre-pull, or none mixed with images, before starting (exit 1)', async () => {
    const env = network.env(network.wallet().path);
    for (const value of [['busy box'], ['none', 'busybox:1.35']]) {
      const run = await runCli(
        ['node', 'start', '--market', 'cpu', ...value.flatMap((v) => ['--pre-pull', v]), '--json'],
        { env },
      );
      expect(run.code, run.stdout).toBe(1);
      expect(run.json<{ error: { code: string; message: string } }>().error).toMatchObject({
        code: 'CLI__INVALID_FLAG',
        message: expect.stringContaining('--pre-pull'),
      });
    }
  }, 60_000);
});
