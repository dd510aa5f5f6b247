/**
 * Public endpoints end to end: the localnet, a gateway reading it, a node (real Docker) that opens its tunnel to the
 * gateway and exposes the service of the job it runs; users reach the container through the gateway only.
 */

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthHeader, jobAuthMessage } from '@nosana/chain';
import { type JobDefinition, serviceId } from '@nosana/core';
import { cachedChainReader, createChainReader, type Gateway, startGateway } from '@nosana/gateway';
import type { NodeEvent } from '@nosana/node';
import { Keypair } from '@solana/web3.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Network, startNetwork } from './helpers/network.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webService = JSON.parse(
  readFileSync(join(root, 'examples', 'web-service.json'), 'utf8'),
) as JobDefinition;
const NOS = 1_000_000n;

/** GET through the gateway with a chosen Host header (fetch cannot set one). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, host ? { headers: { host } } : {}, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let network: Network;
let gateway: Gateway;
beforeAll(async () => {
  network = await startNetwork();
  gateway = await startGateway({
    domain: 'localhost',
    listen: { host: '127.0.0.1', port: 0 },
    chain: cachedChainReader({ reader: createChainReader({ client: network.actor() }), ttlMs: 500 }),
    health: { startupIntervalMs: 100, intervalMs: 500 },
  });
}, 120_000);
afterEach(async () => {
  await network?.stopNodes();
});
afterAll(async () => {
  await network?.close();
  await gateway?.close();
});

describe('node + gateway (localnet + Docker)', () => {
  it("serves a job's web service through the gateway while it runs, and 404 once it ended", async () => {
    const { node, api, events } = await network.node({ gateway: { url: gateway.url } });
    const poster = network.actor(100n * NOS);
    const posted = await poster.jobs.post({ definition: webService, market: 'cpu', timeout: 600 });
    const job = posted.job.toBase58();
    const id = serviceId({ job, opIndex: 0, port: 8080 });
    const port = new URL(gateway.url).port;
    const byHost = () => get(`http://127.0.0.1:${port}/`, `${id}.localhost:${port}`);
    const byPath = () => get(`http://127.0.0.1:${port}/s/${id}/`);

    // The service answers through the gateway (503 until its health check passed there).
    await expect.poll(async () => (await byHost()).status, { timeout: 60_000, interval: 200 }).toBe(200);
    expect((await byHost()).body).toBe('Hello from a Nosana service\n');
    expect(await byPath()).toEqual({ status: 200, body: 'Hello from a Nosana service\n' });

    // The node reports it, and its API lists the public URL.
    const exposed = events.find(
      (e): e is Extract<NodeEvent, { type: 'service' }> => e.type === 'service' && e.status === 'exposed',
    );
    expect(exposed).toMatchObject({ job, op: 'web', port: 8080, url: `http://${id}.localhost:${port}` });
    const info = (await (await fetch(`${api.url}/node/info`)).json()) as {
      jobs: Array<{ job: string; endpoints: Array<{ publicUrl?: string }> }>;
    };
    expect(info.jobs.find((j) => j.job === job)?.endpoints[0]?.publicUrl).toBe(
      `http://${id}.localhost:${port}`,
    );

    await poster.jobs.stop(posted.job);
    await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    await expect.poll(async () => (await byHost()).status, { timeout: 30_000, interval: 200 }).toBe(404);
    expect((await byPath()).status).toBe(404);
    expect(events.some((e) => e.type === 'service' && e.status === 'closed' && e.job === job)).toBe(true);
    expect(await network.leftovers(node.address)).toBe(0);
  }, 180_000);

  it("gives a private op's public URL to the job's owner only; its public id is not routed", async () => {
    const { api } = await network.node({ gateway: { url: gateway.url } });
    const ownerKey = Keypair.generate();
    const poster = network.actor(100n * NOS, ownerKey);
    const web = webService.ops[0]!;
    const definition = {
      ...webService,
      ops: [{ ...web, args: { ...web.args, private: true } }],
    } as JobDefinition;
    const posted = await poster.jobs.post({ definition, market: 'cpu', timeout: 600 });
    const job = posted.job.toBase58();
    const authorization = createAuthHeader(ownerKey, jobAuthMessage(job));
    const ownerView = async () =>
      (await (await fetch(`${api.url}/job/${job}`, { headers: { authorization } })).json()) as {
        endpoints?: Array<{ publicUrl?: string }>;
      };
    await expect
      .poll(async () => (await ownerView()).endpoints?.[0]?.publicUrl, { timeout: 60_000 })
      .toMatch(/^http:/);
    const publicUrl = (await ownerView()).endpoints![0]!.publicUrl!;
    const port = new URL(gateway.url).port;
    const host = new URL(publicUrl).host;
    await expect
      .poll(async () => (await get(`http://127.0.0.1:${port}/`, host)).status, { timeout: 60_000 })
      .toBe(200);

    const info = await (await fetch(`${api.url}/node/info`)).text();
    expect(info).not.toContain(host.split('.')[0]!);
    expect(info).not.toContain('publicUrl');
    const publicId = serviceId({ job, opIndex: 0, port: 8080 });
    expect((await get(`http://127.0.0.1:${port}/`, `${publicId}.localhost:${port}`)).status).toBe(404);
    await poster.jobs.stop(posted.job);
    await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
  }, 180_000);

  it("publishes the node API through the gateway: its info, and a sealed job's live logs to its owner only", async () => {
    const { node, publicApi } = await network.node({ gateway: { url: gateway.url } });
    const port = new URL(gateway.url).port;
    expect(await publicApi).toBe(`http://${node.address}.localhost:${port}`);
    const viaGateway = `http://127.0.0.1:${port}/s/${node.address}`;
    const info = await get(`${viaGateway}/node/info`);
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ address: node.address });
    const byName = await get(`http://127.0.0.1:${port}/node/info`, `${node.address}.localhost:${port}`);
    expect(JSON.parse(byName.body)).toMatchObject({ address: node.address });

    const ownerKey = Keypair.generate();
    const poster = network.actor(100n * NOS, ownerKey);
    // Its result sealed to the poster: its logs are the owner's only (a public job's would stream to anyone).
    const sealed = { ...webService, meta: { ...webService.meta, seal_results: true } };
    const posted = await poster.jobs.post({ definition: sealed, market: 'cpu', timeout: 600 });
    const job = posted.job.toBase58();
    const id = serviceId({ job, opIndex: 0, port: 8080 });
    // httpd -v logs each request: once the service answered through the gateway, there are lines to stream.
    await expect
      .poll(async () => (await get(`http://127.0.0.1:${port}/s/${id}/`)).status, {
        timeout: 60_000,
        interval: 200,
      })
      .toBe(200);
    const stranger = new WebSocket(`ws://127.0.0.1:${port}/s/${node.address}/job/${job}/logs`);
    // Bounded waits: a socket that neither opens nor is refused fails here, named, not at the test's timeout.
    const [, refused] = (await once(stranger, 'unexpected-response', {
      signal: AbortSignal.timeout(30_000),
    })) as [unknown, IncomingMessage];
    stranger.on('error', () => {}); // terminating a refused handshake reports it as an error
    stranger.terminate();
    expect(refused.statusCode).toBe(401);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/s/${node.address}/job/${job}/logs`, {
      headers: { authorization: createAuthHeader(ownerKey, jobAuthMessage(job)) },
    });
    const [data] = await once(socket, 'message', { signal: AbortSignal.timeout(30_000) });
    const first = String(data);
    socket.close();
    expect(JSON.parse(first)).toMatchObject({
      log: expect.any(String),
      type: expect.stringMatching(/std(out|err)/),
    });
    await poster.jobs.stop(posted.job);
    await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
  }, 180_000);
});
