import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeSpecsSource } from './node-info.js';
import { nodeSpecsView } from './node-specs.js';
import { openStore } from './store.js';

const NODE = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
const OTHER = 'HUKXy3vd3k4WTosWUeXAJ4yqSkHMbAHAjByWERNdqdJ8';
const specs = {
  collectedAt: '2026-12-04T04:00:00.000Z',
  os: { platform: 'linux', release: '6.8.0', arch: 'x64' },
  cpu: { model: 'AMD EPYC 7B13', threads: 2 },
  memory: { totalBytes: 8 * 1024 ** 3 },
  disk: { path: '/', totalBytes: 100 * 1024 ** 3, freeBytes: 40 * 1024 ** 3 },
  gpus: [
    {
      index: 0,
      name: 'NVIDIA GeForce RTX 4090',
      uuid: 'GPU-1',
      memoryMiB: 24_564,
      driverVersion: '550.54.14',
      computeCapability: '8.9',
      pcie: { genCurrent: 1, genMax: 4, widthCurrent: 16, widthMax: 16 },
    },
  ],
  gpuNote: null,
  cudaVersion: '12.4',
  engine: { kind: 'docker', version: '27.3.1', apiVersion: '1.47' },
  engineNote: null,
  network: null,
};

/** What the test server answers next, per path. */
let answer: (res: ServerResponse) => void = () => undefined;
let requests = 0;
const server = createServer((_req, res) => {
  requests += 1;
  answer(res);
});
let base: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (body: unknown) => (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('node specs view', () => {
  it('keeps the typed fields of a /node/info answer and drops or cuts the rest', () => {
    const view = nodeSpecsView(
      {
        address: NODE,
        version: '0.1.0',
        specs: { ...specs, cpu: { model: `x\u0000${'y'.repeat(500)}`, threads: 2 }, extra: 'dropped' },
        benchmark: {
          report: {
            node: NODE,
            createdAt: '2026-12-04T04:01:00.000Z',
            cpu: { singleCore: { mibPerSecond: 512.4 }, multiCore: { workers: 2, mibPerSecond: 1010 } },
            gpu: null,
          },
          signer: NODE,
          signature: 'c2ln',
        },
      },
      NODE,
    );
    expect(view).toMatchObject({
      version: '0.1.0',
      memoryBytes: 8 * 1024 ** 3,
      disk: { totalBytes: 100 * 1024 ** 3, freeBytes: 40 * 1024 ** 3 },
      gpus: [
        {
          name: 'NVIDIA GeForce RTX 4090',
          memoryMiB: 24_564,
          driverVersion: '550.54.14',
          computeCapability: '8.9',
          pcie: 'Gen4 x16',
        },
      ],
      engine: 'docker 27.3.1',
      benchmark: {
        cpuSingleMiBps: 512.4,
        cpuMultiMiBps: 1010,
        cpuWorkers: 2,
        gpuTflops: null,
        signedByNode: true,
      },
    });
    expect(view!.cpu!.model).toHaveLength(120);
    expect(view!.cpu!.model.startsWith('x y')).toBe(true);
    expect(JSON.stringify(view)).not.toContain('dropped');
    expect(nodeSpecsView('not an object', NODE)).toBeNull();
    expect(nodeSpecsView({ specs: { gpus: 'many', memory: { totalBytes: -1 } } }, NODE)).toMatchObject({
      gpus: [],
      memoryBytes: null,
      cpu: null,
      benchmark: null,
    });
  });
});

describe('node specs source', () => {
  it('learns a node’s specs from its API, caches them, and asks again once they are stale', async () => {
    const store = openStore({ path: ':memory:' });
    let now = 1_000_000;
    const source = createNodeSpecsSource({ db: store.db, locate: base, now: () => now, ttlMs: 60_000 });
    answer = json({ address: NODE, version: '0.1.0', specs, benchmark: null });
    requests = 0;
    const first = await source.get(NODE);
    expect(first).toMatchObject({
      node: NODE,
      fetchedAt: now,
      error: null,
      source: `${base}/node/info`,
      specs: { cpu: { model: 'AMD EPYC 7B13', threads: 2 } },
    });
    await source.get(NODE);
    expect(requests).toBe(1);
    now += 61_000;
    answer = (res) => {
      res.writeHead(500);
      res.end();
    };
    const failed = await source.get(NODE);
    expect(requests).toBe(2);
    // The last view learned is kept, with why the new attempt failed.
    expect(failed.specs?.cpu?.model).toBe('AMD EPYC 7B13');
    expect(failed.fetchedAt).toBe(1_000_000);
    expect(failed.error).toContain('answered 500');
    store.closeDatabase();
  });

  it('refuses answers for another node, too large, not JSON, redirected or too slow', async () => {
    const store = openStore({ path: ':memory:' });
    // A generous time limit where the answer is complete (a loaded machine must not turn a refusal into a timeout),
    // a short one only for the answer that never ends.
    const sourceWith = (timeoutMs: number) =>
      createNodeSpecsSource({
        db: store.db,
        locate: (node) => `${base}/${node}`,
        retryMs: 0,
        maxBytes: 1024,
        timeoutMs,
      });
    const complete = sourceWith(30_000);
    const errorFor = async (respond: (res: ServerResponse) => void, source = complete) => {
      answer = respond;
      const got = await source.get(NODE);
      expect(got.specs).toBeNull();
      return got.error;
    };
    expect(await errorFor(json({ address: OTHER, specs }))).toContain('answers for another node');
    expect(await errorFor(json({ address: NODE, specs, padding: 'x'.repeat(2000) }))).toContain(
      'larger than 1024 bytes',
    );
    expect(
      await errorFor((res) => {
        // No content-length: the limit holds while streaming too.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"padding":"');
        res.end(`${'x'.repeat(4000)}"}`);
      }),
    ).toContain('larger than 1024 bytes');
    expect(await errorFor((res) => res.end('<html>'))).toContain('not JSON');
    expect(
      await errorFor((res) => {
        res.writeHead(302, { location: 'http://127.0.0.1:1/node/info' });
        res.end();
      }),
    ).toContain('did not give');
    expect(
      await errorFor((res) => {
        // Headers, then nothing: the time limit covers the body.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
      }, sourceWith(300)),
    ).toMatch(/abort|timeout/i);
    store.closeDatabase();
  });

  it('does not ask when it does not know where the node’s API is', async () => {
    const store = openStore({ path: ':memory:' });
    requests = 0;
    const source = createNodeSpecsSource({ db: store.db, locate: () => null });
    expect(await source.get(NODE)).toEqual({
      node: NODE,
      specs: null,
      fetchedAt: null,
      error: null,
      source: null,
    });
    expect(requests).toBe(0);
    store.closeDatabase();
  });
});
