import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJobAccount, isAccountOf, PROGRAM_ADDRESSES } from '@nosana/chain';
import { bytes32ToCid } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  definition,
  getJson,
  NOS,
  rpcScan,
  startTestNetwork,
  type TestNetwork,
  until,
} from '../test/network.js';
import { type Indexer, startIndexer } from './indexer.js';
import type { JobJson, MarketJson, NodeJson } from './queries.js';

const JOBS = PROGRAM_ADDRESSES.mainnet.jobs;
let net: TestNetwork;
let indexer: Indexer;
let dir: string;

const start = () =>
  startIndexer({
    rpcUrl: net.localnet.rpcUrl,
    wsUrl: net.localnet.wsUrl,
    dbPath: join(dir, 'indexer.db'),
    listen: 0,
    webRoot: null,
  });
const job = (address: string) => getJson<JobJson>(`${indexer.url}/api/jobs/${address}`);
const jobWith = (address: string, status: string) =>
  until(
    () => job(address),
    (r) => r.status === 200 && r.body.status === status,
  );
const marketByName = async (name: 'cpu' | 'gpu') => (await net.actor().markets.get(name)).address.toBase58();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-indexer-test-'));
  net = await startTestNetwork();
  indexer = await start();
  await indexer.ready;
});
afterAll(async () => {
  await indexer?.close();
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the indexer against a real localnet', () => {
  it('backfills the genesis markets with price, queue and statistics', async () => {
    const { body } = await getJson<{ items: MarketJson[] }>(`${indexer.url}/api/markets`);
    const cpu = body.items.find((m) => m.jobPrice === '100');
    expect(body.items).toHaveLength(2);
    expect(cpu).toMatchObject({
      jobPrice: '100',
      pricePerHour: '360000',
      queue: { kind: 'empty', entries: [] },
    });
  });

  it('follows a job QUEUED → RUNNING → COMPLETED with timeline, cost, payout, result and node statistics', async () => {
    const poster = net.actor(100n * NOS);
    const gpu = await marketByName('gpu');
    const posted = await poster.jobs.post({ definition, market: 'gpu', timeout: 600 });
    const address = posted.job.toBase58();
    const queued = await jobWith(address, 'QUEUED');
    expect(queued.body).toMatchObject({
      market: gpu,
      definition: posted.definition,
      result: null,
      deposit: String(600n * 300n),
    });
    expect(queued.body.timeline.posted).toBeGreaterThan(0);

    const explained = await getJson<{ reason: string; position: number }>(
      `${indexer.url}/api/jobs/${address}/explain`,
    );
    expect(explained.body).toMatchObject({ reason: 'NO_NODES', position: 1 });

    const host = await net.host();
    const { run } = await host.host.work('gpu');
    const running = await jobWith(address, 'RUNNING');
    expect(running.body.node).toBe(run!.node.toBase58());
    const nodeAddress = running.body.node!;
    const busy = await getJson<NodeJson>(`${indexer.url}/api/nodes/${nodeAddress}`);
    expect(busy.body.current.map((j) => j.address)).toEqual([address]);

    await net.advanceClock(42);
    const result = await host.ipfs.putBytes(new TextEncoder().encode('{"status":"success"}'));
    await host.host.finish({ run: run!, result });
    const done = await jobWith(address, 'COMPLETED');
    const elapsed = done.body.timeline.runSeconds!;
    expect(elapsed).toBeGreaterThanOrEqual(42);
    expect(done.body).toMatchObject({ result, node: nodeAddress, cost: String(300n * BigInt(elapsed)) });
    expect(done.body.timeline.claimed).not.toBeNull();

    const node = await getJson<NodeJson>(`${indexer.url}/api/nodes/${nodeAddress}`);
    expect(node.body).toMatchObject({
      completed: 1,
      jobsRun: 1,
      successRate: 1,
      earnings: String(300n * BigInt(elapsed)),
      current: [],
    });
    const search = await getJson<{ items: Array<{ kind: string; address: string }> }>(
      `${indexer.url}/api/search?q=${result}`,
    );
    expect(search.body.items).toEqual([{ kind: 'job', address }]);
  });

  it('records a delisted job, a job ended while running, and a node waiting in the queue with its position', async () => {
    const poster = net.actor(100n * NOS);
    const queued = await poster.jobs.post({ definition, market: 'cpu', timeout: 100 });
    await jobWith(queued.job.toBase58(), 'QUEUED');
    await poster.jobs.stop(queued.job);
    const delisted = await jobWith(queued.job.toBase58(), 'DELISTED');
    expect(delisted.body.closed).toBe(true);

    const host = await net.host();
    await host.host.work('cpu');
    const cpu = await marketByName('cpu');
    const market = await until(
      () => getJson<MarketJson>(`${indexer.url}/api/markets/${cpu}`),
      (r) => r.body.queue.kind === 'nodes',
    );
    const waiting = market.body.queue.entries[0]!.address;
    const node = await getJson<NodeJson>(`${indexer.url}/api/nodes/${waiting}`);
    expect(node.body.queue).toEqual([{ market: cpu, position: 1, length: 1 }]);

    const running = await poster.jobs.post({ definition, market: 'cpu', timeout: 100 });
    await jobWith(running.job.toBase58(), 'RUNNING');
    await net.advanceClock(5);
    await poster.jobs.stop(running.job);
    const ended = await jobWith(running.job.toBase58(), 'COMPLETED');
    expect(ended.body.node).toBe(waiting);
  });

  it('lists, filters and paginates jobs like a full RPC scan does', async () => {
    const poster = net.actor(100n * NOS);
    const posted: string[] = [];
    for (let i = 0; i < 5; i++)
      posted.push((await poster.jobs.post({ definition, market: 'gpu', timeout: 60 })).job.toBase58());
    await until(
      () => job(posted.at(-1)!),
      (r) => r.status === 200,
    );
    const pages: string[] = [];
    let cursor: number | null = null;
    do {
      const page: { body: { items: JobJson[]; nextCursor: number | null } } = await getJson(
        `${indexer.url}/api/jobs?status=QUEUED&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      pages.push(...page.body.items.map((j) => j.address));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(new Set(pages).size).toBe(pages.length);

    const scan = await rpcScan(net.localnet.rpcUrl, JOBS);
    const all = await getJson<{ items: JobJson[] }>(`${indexer.url}/api/jobs?limit=500`);
    const open = all.body.items.filter((j) => !j.closed);
    const onChain = [...scan].filter(([, data]) => isAccountOf('JobAccount', data));
    expect(open.map((j) => j.address).sort()).toEqual(onChain.map(([a]) => a).sort());
    for (const [address, data] of onChain) {
      const decoded = decodeJobAccount(data);
      const row = open.find((j) => j.address === address)!;
      expect(row.definition).toBe(bytes32ToCid(decoded.ipfsJob));
      expect(row.timeline.finished ?? 0).toBe(decoded.timeEnd);
    }
    const queuedOnChain = onChain.filter(([, d]) => decodeJobAccount(d).state === 0).length;
    expect(pages.length).toBeLessThanOrEqual(queuedOnChain);
    expect(pages).toEqual(expect.arrayContaining(posted));
  });

  it('refuses hostile requests with clear 400s and stays up', async () => {
    const bad = [
      ['/api/jobs?limit=100000', 'INVALID_INTEGER'],
      ['/api/jobs?limit=-1', 'INVALID_INTEGER'],
      ['/api/jobs?status=DANCING', 'INVALID_STATUS'],
      ['/api/jobs?market=not-an-address', 'INVALID_ADDRESS'],
      ['/api/jobs?evil=1', 'UNKNOWN_PARAMETER'],
      ['/api/jobs?limit=1&limit=2', 'REPEATED_PARAMETER'],
      ['/api/search?q=%27%20OR%201%3D1', 'INVALID_SEARCH'],
      ['/%E0%A4%A', 'INVALID_PATH'],
    ] as const;
    for (const [path, code] of bad) {
      const { status, body } = await getJson<{ error: { code: string; message: string } }>(
        `${indexer.url}${path}`,
      );
      expect({ path, status, code: body.error.code }).toEqual({ path, status: 400, code });
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    expect((await fetch(`${indexer.url}/api/jobs`, { method: 'POST' })).status).toBe(405);
    expect((await getJson(`${indexer.url}/api/jobs/11111111111111111111111111111111`)).status).toBe(404);
    const openapi = await getJson<{ openapi: string; paths: Record<string, unknown> }>(
      `${indexer.url}/openapi.json`,
    );
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths)).toContain('/api/jobs');
    expect((await getJson<{ ok: boolean; synced: boolean }>(`${indexer.url}/health`)).body).toMatchObject({
      ok: true,
      synced: true,
    });
  });

  it('streams changes over SSE as they happen', async () => {
    const controller = new AbortController();
    const response = await fetch(`${indexer.url}/api/stream`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const poster = net.actor(10n * NOS);
    const posted = await poster.jobs.post({ definition, market: 'gpu', timeout: 60 });
    let text = '';
    while (!text.includes(posted.job.toBase58()))
      text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/event: change\ndata: \{"seq":\d+,"kind":"job","address":"\w+","status":"QUEUED"/);
    controller.abort();
  });

  it('resumes from its database after a restart, and rebuilds when the network was reset', async () => {
    await indexer.close();
    const poster = net.actor(10n * NOS);
    const offline = await poster.jobs.post({ definition, market: 'gpu', timeout: 60 });
    indexer = await start();
    await indexer.ready;
    expect((await job(offline.job.toBase58())).body.status).toBe('QUEUED');

    await indexer.close();
    await net.close();
    net = await startTestNetwork();
    indexer = await start();
    await indexer.ready;
    expect((await job(offline.job.toBase58())).status).toBe(404);
    const { body } = await getJson<{ items: JobJson[] }>(`${indexer.url}/api/jobs`);
    expect(body.items).toEqual([]);
    const changes = await getJson<{ items: Array<{ kind: string }> }>(
      `${indexer.url}/api/changes?limit=500&since=0`,
    );
    expect(changes.body.items.map((c) => c.kind)).toContain('reset');
  });
});
