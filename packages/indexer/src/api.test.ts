import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from './api.js';
import { openStore } from './store.js';

const store = openStore({ path: ':memory:' });
const web = mkdtempSync(join(tmpdir(), 'nosana-web-'));
let base: string;
const server = createServer(
  createApiHandler({
    store,
    subscribe: () => () => undefined,
    health: () => ({ synced: true, slot: 1 }),
    webRoot: web,
    preloads: (path) => (path === '/' ? ['/api/markets', '/api/jobs?limit=10'] : []),
    maxStreams: 1,
  }),
);

beforeAll(async () => {
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>explorer</title>');
  writeFileSync(join(web, 'assets', 'app.js'), 'export {}');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  store.closeDatabase();
  rmSync(web, { recursive: true, force: true });
});

describe('the API handler', () => {
  it('serves the explorer files, app routes and refuses to leave the web root', async () => {
    expect(await (await fetch(`${base}/`)).text()).toContain('explorer');
    expect(await (await fetch(`${base}/job/abc`)).text()).toContain('explorer');
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${base}/..%2f..%2fetc%2fpasswd.txt`)).status).toBe(404);
    expect((await fetch(`${base}/a%00b`)).status).toBe(400);
  });

  it('announces the first API requests of a page with it, and nothing with other files', async () => {
    expect((await fetch(`${base}/`)).headers.get('link')).toBe(
      '</api/markets>; rel=preload; as=fetch; crossorigin, </api/jobs?limit=10>; rel=preload; as=fetch; crossorigin',
    );
    expect((await fetch(`${base}/job/abc`)).headers.get('link')).toBeNull();
    expect((await fetch(`${base}/assets/app.js`)).headers.get('link')).toBeNull();
  });

  it('bounds pages and caps open streams', async () => {
    const page = await fetch(`${base}/api/jobs?limit=501`);
    expect(page.status).toBe(400);
    expect(await page.json()).toMatchObject({ error: { code: 'INVALID_INTEGER', param: 'limit' } });
    const controller = new AbortController();
    const first = await fetch(`${base}/api/stream`, { signal: controller.signal });
    expect(first.status).toBe(200);
    const second = await fetch(`${base}/api/stream`);
    expect(second.status).toBe(503);
    controller.abort();
  });

  it('answers definition and result routes with clear errors when there is nothing to read', async () => {
    const job = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
    const unknown = await fetch(`${base}/api/jobs/${job}/definition`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await fetch(`${base}/api/jobs/not-an-address/result`)).status).toBe(400);
    expect((await fetch(`${base}/api/jobs/${job}/other`)).status).toBe(404);
    store.putJob(
      {
        address: job,
        market: job,
        project: job,
        payer: job,
        node: null,
        state: 0,
        price: '10',
        timeout: 60,
        timeStart: 0,
        timeEnd: 0,
        definition: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
        result: null,
      },
      1,
      null,
    );
    const noIpfs = await fetch(`${base}/api/jobs/${job}/definition`);
    expect(noIpfs.status).toBe(503);
    expect(await noIpfs.json()).toMatchObject({ error: { code: 'NO_IPFS' } });
  });

  it('answers the live logs route with clear errors: unknown job, no node APIs, a job that does not run', async () => {
    const job = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin'; // queued (the test above stored it)
    expect((await fetch(`${base}/api/jobs/${job.replace('9', '8')}/logs`)).status).toBe(404);
    const noNodeApi = await fetch(`${base}/api/jobs/${job}/logs`);
    expect(noNodeApi.status).toBe(503);
    expect(await noNodeApi.json()).toMatchObject({ error: { code: 'NO_NODE_API' } });
    const withApis = createServer(
      createApiHandler({
        store,
        subscribe: () => () => undefined,
        health: () => ({ synced: true, slot: 1 }),
        nodeApi: 'http://127.0.0.1:9/{node}',
      }),
    );
    await new Promise<void>((resolve) => withApis.listen(0, '127.0.0.1', resolve));
    try {
      const queued = await fetch(
        `http://127.0.0.1:${(withApis.address() as AddressInfo).port}/api/jobs/${job}/logs`,
      );
      expect(queued.status).toBe(409);
      expect(await queued.json()).toMatchObject({ error: { code: 'NOT_RUNNING' } });
    } finally {
      await new Promise((resolve) => withApis.close(resolve));
    }
  });

  it('answers a known node’s hardware from its source, 404 for an unknown node, 503 without a source', async () => {
    const node = 'HUKXy3vd3k4WTosWUeXAJ4yqSkHMbAHAjByWERNdqdJ8';
    const noSource = await fetch(`${base}/api/nodes/${node}/specs`);
    expect(noSource.status).toBe(503);
    expect(await noSource.json()).toMatchObject({ error: { code: 'NO_NODE_API' } });

    const asked: string[] = [];
    const withSpecs = createServer(
      createApiHandler({
        store,
        subscribe: () => () => undefined,
        health: () => ({ synced: true, slot: 1 }),
        nodeSpecs: {
          get: async (address) => {
            asked.push(address);
            return { node: address, specs: null, fetchedAt: null, error: 'down', source: null };
          },
        },
      }),
    );
    await new Promise<void>((resolve) => withSpecs.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(withSpecs.address() as AddressInfo).port}/api/nodes/${node}/specs`;
    try {
      expect((await fetch(url)).status).toBe(404);
      expect(asked).toEqual([]);
      store.db.prepare('INSERT INTO nodes (address, first_seen, last_seen) VALUES (?, 1, 1)').run(node);
      expect(await (await fetch(url)).json()).toMatchObject({ node, error: 'down' });
      expect(asked).toEqual([node]);
    } finally {
      withSpecs.closeAllConnections();
      await new Promise((resolve) => withSpecs.close(resolve));
    }
  });
});
