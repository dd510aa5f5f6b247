/** The node API's access rules: Host header checked (DNS rebinding), private service URLs to the job's owner only. */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthHeader, jobAuthMessage } from '@nosana/chain';
import type { FlowState } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type NodeApi, type StartNodeApiParameters, startNodeApi } from './api.js';
import { type BenchmarkReport, signBenchmark } from './benchmark/report.js';
import type { NosanaNode } from './daemon.js';
import type { LiveJob } from './job-runner.js';
import { createLogTail } from './log-tail.js';
import { createLogistics } from './logistics.js';
import type { HostSpecs } from './specs/host-specs.js';
import { type NodeStore, openNodeStore } from './store.js';
import { createFakeChain, createFakeClock } from './testing.js';

const apis: NodeApi[] = [];
const stores: Array<{ store: NodeStore; dir: string }> = [];
afterEach(async () => {
  for (const api of apis.splice(0)) await api.close();
  for (const { store, dir } of stores.splice(0)) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A GET with a chosen Host header (fetch does not let a caller set it). */
const get = (url: string, headers: Record<string, string>) =>
  new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(url, { headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });

async function serve(allowedHosts?: string[], hardware?: StartNodeApiParameters['hardware']) {
  const chain = createFakeChain();
  const owner = Keypair.generate();
  const job = chain.postJob({ version: '0.1', type: 'container', ops: [] });
  chain.jobs.get(job)!.project = owner.publicKey.toBase58();
  const live: LiveJob = {
    job,
    run: Keypair.generate().publicKey.toBase58(),
    startedAt: 1,
    ops: { web: 'running', admin: 'running' },
    endpoints: [
      { opId: 'web', port: 8080, url: 'http://127.0.0.1:40001', status: 'ONLINE', private: false },
      { opId: 'admin', port: 9000, url: 'http://127.0.0.1:40002', status: 'ONLINE', private: true },
    ],
    tail: createLogTail(),
    logs: [],
    pulls: {
      web: {
        image: '127.0.0.1:5000/web:1',
        status: 'Downloading',
        phase: 'downloading',
        current: 1_200_000_000,
        total: 2_000_000_000,
        layers: { total: 2, done: 1, cached: 1 },
      },
    },
    listeners: new Set(),
  };
  const dir = mkdtempSync(join(tmpdir(), 'nosana-api-'));
  const store = openNodeStore({ dir });
  stores.push({ store, dir });
  const logistics = createLogistics({ clock: createFakeClock(), store, maxDefinitionBytes: 4096 });
  const node = {
    address: chain.address,
    logistics,
    startedAt: 0,
    state: () => 'running',
    market: () => chain.market,
    jobs: () => [live],
    images: () => [{ image: 'busybox:1.35', state: 'present', ms: 3 }],
  } as unknown as NosanaNode;
  const api = await startNodeApi({
    node,
    chain,
    port: 0,
    maxBodyBytes: 4096,
    ...(allowedHosts ? { allowedHosts } : {}),
    ...(hardware ? { hardware } : {}),
  });
  apis.push(api);
  return { api, job, owner, logistics, live, port: new URL(api.url).port };
}

describe('startNodeApi', () => {
  it('answers its own host names and refuses any other Host with 421 and a JSON error (regression)', async () => {
    const { api, port } = await serve();
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`])
      expect((await get(`${api.url}/node/info`, { host })).status, host).toBe(200);
    const rebinding = await get(`${api.url}/node/info`, { host: `attacker.example:${port}` });
    expect(rebinding.status).toBe(421);
    expect(rebinding.body).toMatchObject({
      code: 'NODE__API_HOST_NOT_ALLOWED',
      host: `attacker.example:${port}`,
    });
    expect(rebinding.body.error).toMatch(/does not answer for host "attacker\.example:\d+".*allowed hosts/);
    expect((await get(`${api.url}/`, { host: 'evil.localhost.example' })).status).toBe(421);
  });

  it('answers the host names an operator allows', async () => {
    const { api, port } = await serve(['node.example.org']);
    expect((await get(`${api.url}/node/info`, { host: `node.example.org:${port}` })).status).toBe(200);
    expect((await get(`${api.url}/node/info`, { host: 'other.example.org' })).status).toBe(421);
  });

  it('refuses a WebSocket upgrade from another host', async () => {
    const { api, job, owner } = await serve();
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/job/${job}/logs`, {
      headers: { authorization: createAuthHeader(owner, jobAuthMessage(job)), host: 'attacker.example' },
    });
    const status = await new Promise<number>((resolve) =>
      socket.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0)),
    );
    expect(status).toBe(421);
  });

  it('streams a public job’s logs to anyone, a sealed or confidential one’s to its owner only', async () => {
    const { api, job, live } = await serve();
    (live.logs as Array<(typeof live.logs)[number]>).push({
      type: 'stdout',
      log: 'line one',
      timestamp: 1,
      opId: 'web',
    });
    const open = (headers: Record<string, string> = {}) =>
      new Promise<{ status: number; first?: string }>((resolve) => {
        const socket = new WebSocket(`${api.url.replace('http', 'ws')}/job/${job}/logs`, { headers });
        socket.on('unexpected-response', (_, response) => resolve({ status: response.statusCode ?? 0 }));
        socket.on('message', (data) => {
          socket.close();
          resolve({ status: 101, first: String(data) });
        });
      });
    expect((await open()).status).toBe(401);
    live.publicLogs = true;
    const anyone = await open();
    expect(anyone.status).toBe(101);
    expect(JSON.parse(anyone.first!)).toMatchObject({ log: 'line one', opId: 'web' });
    // A header that does not verify is still refused, public or not.
    expect((await open({ authorization: 'nosana-job:x:sig:1' })).status).toBe(401);
  });

  it('lists private services without their URL on /node/info; the owner gets it on /job/<job> (regression)', async () => {
    const { api, job, owner } = await serve();
    const info = (await (await fetch(`${api.url}/node/info`)).json()) as {
      jobs: Array<{ endpoints: Array<{ opId: string; url?: string; private: boolean }> }>;
    };
    const endpoints = info.jobs[0]!.endpoints;
    expect(endpoints.find((e) => e.opId === 'web')?.url).toBe('http://127.0.0.1:40001');
    expect(endpoints.find((e) => e.opId === 'admin')).toEqual({
      opId: 'admin',
      port: 9000,
      status: 'ONLINE',
      private: true,
    });
    expect(JSON.stringify(info)).not.toContain('40002');

    expect((await fetch(`${api.url}/job/${job}`)).status).toBe(401);
    const stranger = createAuthHeader(Keypair.generate(), jobAuthMessage(job));
    expect((await fetch(`${api.url}/job/${job}`, { headers: { authorization: stranger } })).status).toBe(401);
    const mine = await fetch(`${api.url}/job/${job}`, {
      headers: { authorization: createAuthHeader(owner, jobAuthMessage(job)) },
    });
    expect(mine.status).toBe(200);
    const view = (await mine.json()) as { endpoints: Array<{ opId: string; url: string }> };
    expect(view.endpoints.find((e) => e.opId === 'admin')?.url).toBe('http://127.0.0.1:40002');
  });

  it('shows running jobs’ image pulls and the pre-pulled images on /node/info', async () => {
    const { api } = await serve();
    const info = (await (await fetch(`${api.url}/node/info`)).json()) as {
      images: unknown[];
      jobs: Array<{ pulls: Record<string, { current: number; total: number; phase: string }> }>;
    };
    expect(info.images).toEqual([{ image: 'busybox:1.35', state: 'present', ms: 3 }]);
    expect(info.jobs[0]?.pulls.web).toMatchObject({
      current: 1_200_000_000,
      total: 2_000_000_000,
      phase: 'downloading',
    });
  });

  it('publishes the host specs and the signed benchmark on /node/info (null when unknown)', async () => {
    const bare = await serve();
    expect(await (await fetch(`${bare.api.url}/node/info`)).json()).toMatchObject({
      specs: null,
      benchmark: null,
    });
    const key = Keypair.generate();
    const specs = { cpu: { model: 'Test CPU', threads: 8 }, gpus: [] } as unknown as HostSpecs;
    const benchmark = signBenchmark({ version: 1, node: key.publicKey.toBase58() } as BenchmarkReport, key);
    const { api } = await serve(undefined, { specs, benchmark });
    expect(await (await fetch(`${api.url}/node/info`)).json()).toMatchObject({ specs, benchmark });
  });

  it('takes a confidential job’s definition from its owner only, while the job waits for it (POST /job/<job>/job-definition)', async () => {
    const { api, job, owner, logistics } = await serve();
    const post = (body: string, key = owner) =>
      fetch(`${api.url}/job/${job}/job-definition`, {
        method: 'POST',
        headers: {
          authorization: createAuthHeader(key, jobAuthMessage(job)),
          'content-type': 'application/json',
        },
        body,
      });
    const definition = {
      version: '0.1',
      type: 'container',
      ops: [{ type: 'container/run', id: 'main', args: { image: 'busybox:1.35', cmd: 'true' } }],
    };
    const early = await post(JSON.stringify(definition));
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'NODE__DEFINITION_NOT_AWAITED', status: 'not-waiting' });
    const stop = new AbortController();
    const awaited = logistics.awaitDefinition({
      job,
      send: { type: 'api-listen', args: {} },
      signal: stop.signal,
    });
    expect((await post(JSON.stringify(definition), Keypair.generate())).status).toBe(401);
    expect((await post('{"version":')).status).toBe(422);
    const invalid = await post(JSON.stringify({ ...definition, ops: [{ id: 'x' }] }));
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ code: 'NODE__DEFINITION_INVALID' });
    expect((await post('x'.repeat(5000))).status).toBe(413);
    const taken = await post(JSON.stringify(definition));
    expect(taken.status).toBe(200);
    await expect(awaited).resolves.toEqual(definition);
  });

  it('gives a kept confidential result to the job’s owner only (GET /job/<job>/results)', async () => {
    const { api, job, owner, logistics } = await serve();
    const results = (key = owner) =>
      fetch(`${api.url}/job/${job}/results`, {
        headers: { authorization: createAuthHeader(key, jobAuthMessage(job)) },
      });
    const running = await results();
    expect(running.status).toBe(409);
    expect(await running.json()).toMatchObject({ code: 'NODE__RESULT_NOT_READY', status: 'running' });
    const flow: FlowState = { status: 'success', startTime: 1, endTime: 2, opStates: [] };
    await logistics.keep(job, owner.publicKey.toBase58(), flow);
    expect((await results(Keypair.generate())).status).toBe(401);
    const mine = await results();
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual(flow);
  });
});
