/**
 * Images on a node, end to end: the embedded localnet, the real Docker engine and real registries (Debian's
 * docker-registry on 127.0.0.1, one open, one behind htpasswd). A market declares `requiredImages`: the node pulls
 * them before it joins the queue. A private image runs with the job definition's credentials, which appear in no
 * node event, node log, result or API answer; wrong ones fail the job with a coded error that does not show them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobDefinition } from '@nosana/core';
import type { NodeEvent } from '@nosana/node';
import { buildSizedImage, type LocalRegistry, pushImage, startLocalRegistry } from '@nosana/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Network, startNetwork } from './helpers/network.js';

const NOS = 1_000_000n;
const MiB = 2 ** 20;
const credentials = { username: 'poster-c0ffee', password: 'pw-Vault-5f1e9a77' };

let network: Network;
let open: LocalRegistry;
let guarded: LocalRegistry;
let marketImage: string;
let privateImage: string;

const run = (image: string, cmd: string, docker?: Record<string, string>): JobDefinition => ({
  version: '0.1',
  type: 'container',
  meta: { trigger: 'cli' },
  ops: [
    {
      type: 'container/run',
      id: 'main',
      args: { image, cmd, ...(docker ? { authentication: { docker } } : {}) },
    },
  ],
});

/** Everything the node wrote to its log directory. */
const nodeLog = (dir: string) =>
  readdirSync(join(dir, 'logs'))
    .map((file) => readFileSync(join(dir, 'logs', file), 'utf8'))
    .join('\n');

beforeAll(async () => {
  [network, open, guarded] = await Promise.all([
    startNetwork(),
    startLocalRegistry(),
    startLocalRegistry({ auth: credentials }),
  ]);
  const docker = network.engine.docker;
  marketImage = `${open.host}/market-tool:1`;
  privateImage = `${guarded.host}/private-app:1`;
  await buildSizedImage({ docker, tag: marketImage, layers: [4 * MiB] });
  await pushImage({ docker, tag: marketImage });
  await buildSizedImage({ docker, tag: privateImage, layers: [2 * MiB] });
  await pushImage({ docker, tag: privateImage, auth: credentials });
  network.localnet.setRequiredImages('cpu', [marketImage]);
}, 180_000);

afterAll(async () => {
  await network?.close();
  for (const tag of [marketImage, privateImage])
    await network?.engine.docker
      .getImage(tag)
      .remove({ force: true })
      .catch(() => undefined);
  await Promise.all([open?.stop(), guarded?.stop()]);
});

describe('images on a node (localnet + Docker + local registries)', () => {
  it('pulls the market’s required images before joining the queue; its jobs then start without a pull', async () => {
    const { node, api, events, dir } = await network.node();
    const states = events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    expect(states.slice(0, 3)).toEqual(['recovering', 'preparing', 'queued']);
    const ready = events.find(
      (e): e is Extract<NodeEvent, { type: 'image-ready' }> => e.type === 'image-ready',
    );
    expect(ready?.result).toMatchObject({ image: marketImage, outcome: 'pulled' });
    expect(ready?.result.bytes).toBeGreaterThanOrEqual(4 * MiB);
    expect(events.some((e) => e.type === 'image-pull' && e.image === marketImage)).toBe(true);
    expect(await network.engine.engine.imageExists(marketImage)).toBe(true);
    const info = (await (await fetch(`${api.url}/node/info`)).json()) as { images: unknown[] };
    expect(info.images).toEqual([expect.objectContaining({ image: marketImage, state: 'pulled' })]);

    const poster = network.actor(100n * NOS);
    const posted = await poster.jobs.post({
      definition: run(marketImage, 'ls /payload-0'),
      market: 'cpu',
      timeout: 600,
    });
    const job = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    expect(job.state).toBe('COMPLETED');
    expect((await poster.jobs.result(posted.job))?.status).toBe('success');
    // Cached: the job's op never went through `pulling`.
    const statuses = events.flatMap((e) =>
      e.type === 'runtime' && e.event.type === 'op-status' && e.event.jobId === posted.job.toBase58()
        ? [e.event.status]
        : [],
    );
    expect(statuses).not.toContain('pulling');
    await network.stopNodes();
    expect(nodeLog(dir)).toContain(`"image":"${marketImage}"`);
    expect(await network.leftovers(node.address)).toBe(0);
  }, 180_000);

  it('runs a private image with the definition’s credentials and never shows them; wrong ones fail the job, coded', async () => {
    const { node, api, events, dir } = await network.node();
    const poster = network.actor(100n * NOS);
    const ok = await poster.jobs.post({
      definition: run(privateImage, 'echo private image ran', credentials),
      market: 'cpu',
      timeout: 600,
    });
    await poster.jobs.waitFor(ok.job, (j) => j.result !== null, { pollMs: 500 });
    const result = await poster.jobs.result(ok.job);
    expect(result?.status).toBe('success');
    expect(result?.opStates[0]?.logs.map((l) => l.log)).toContain('private image ran');
    // The pull's progress reached the node's events, ending complete.
    const pulls = events.flatMap((e) =>
      e.type === 'runtime' && e.event.type === 'pull' && e.event.jobId === ok.job.toBase58()
        ? [e.event.progress]
        : [],
    );
    expect(pulls.at(-1)).toMatchObject({ image: privateImage, phase: 'complete' });

    await network.engine.docker.getImage(privateImage).remove({ force: true });
    const wrong = { username: 'intruder-77ab', password: 'Guess-pw-0d9c31' };
    const refused = await poster.jobs.post({
      definition: run(privateImage, 'echo should not run', wrong),
      market: 'cpu',
      timeout: 600,
    });
    await poster.jobs.waitFor(refused.job, (j) => j.result !== null, { pollMs: 500 });
    const failed = await poster.jobs.result(refused.job);
    expect(failed?.status).toBe('failed');
    expect(failed?.opStates[0]?.error).toMatchObject({
      event: 'pull',
      code: 'RUNTIME__IMAGE_PULL_UNAUTHORIZED',
    });
    expect(failed?.opStates[0]?.error?.message).toContain(guarded.host);

    const info = await (await fetch(`${api.url}/node/info`)).text();
    await network.stopNodes();
    const everything = [
      JSON.stringify(events, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
      JSON.stringify(result),
      JSON.stringify(failed),
      info,
      nodeLog(dir),
    ].join('\n');
    for (const secret of [credentials.password, credentials.username, wrong.password, wrong.username])
      expect(everything).not.toContain(secret);
    expect(await network.leftovers(node.address)).toBe(0);
  }, 180_000);

  it('keeps its image cache under the limit: a job’s image goes once the job is done, the market’s stays', async () => {
    const jobImage = `${open.host}/cache-evict:1`;
    await buildSizedImage({ docker: network.engine.docker, tag: jobImage, layers: [1 * MiB] });
    await pushImage({ docker: network.engine.docker, tag: jobImage });
    // A limit of one byte: everything the node may evict goes as soon as nothing needs it.
    const { events } = await network.node({ imageCache: { maxBytes: 1 } });
    const poster = network.actor(100n * NOS);
    const posted = await poster.jobs.post({ definition: run(jobImage, 'true'), market: 'cpu', timeout: 600 });
    await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    expect((await poster.jobs.result(posted.job))?.status).toBe('success');
    await expect
      .poll(() => events.some((e) => e.type === 'image-evicted' && e.image === jobImage), { timeout: 20_000 })
      .toBe(true);
    // Evicted only after its job ended, never while it ran.
    const at = (match: (e: NodeEvent) => boolean) => events.findIndex(match);
    expect(at((e) => e.type === 'image-evicted')).toBeGreaterThan(
      at(
        (e) =>
          e.type === 'runtime' && e.event.type === 'flow-finished' && e.event.jobId === posted.job.toBase58(),
      ),
    );
    expect(await network.engine.engine.imageExists(jobImage)).toBe(false);
    expect(await network.engine.engine.imageExists(marketImage)).toBe(true);
    await network.stopNodes();
  }, 180_000);
});
