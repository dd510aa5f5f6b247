/**
 * The host node end to end: the embedded localnet, the real Docker engine, real IPFS CIDs. A client posts jobs; a
 * node claims them, runs them in containers, pins results and gets paid on chain.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuthHeader, jobAuthMessage, putJson } from '@nosana/chain';
import { isNosanaError, type JobDefinition, settleJob } from '@nosana/core';
import type { NodeEvent } from '@nosana/node';
import { Keypair } from '@solana/web3.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { followNode, type Network, startNetwork } from './helpers/network.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const helloWorld = JSON.parse(
  readFileSync(join(root, 'examples', 'hello-world.json'), 'utf8'),
) as JobDefinition;
const NOS = 1_000_000n;

const shell = (script: string, id = 'main'): JobDefinition => ({
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id, args: { image: 'busybox:1.35', cmd: ['sh', '-c', script] } }],
});

const finished = (state: string) => state === 'COMPLETED' || state === 'STOPPED';

let network: Network;
beforeAll(async () => {
  network = await startNetwork();
}, 120_000);
afterEach(async () => {
  await network?.stopNodes();
});
afterAll(async () => {
  await network?.close();
});

describe('node (localnet + Docker)', () => {
  it('runs a posted job, pins its result, is paid for the time used and the owner refunded the rest', async () => {
    const { node, client: host, events } = await network.node();
    const poster = network.actor(100n * NOS);
    const before = await poster.balances();
    const posted = await poster.jobs.post({ definition: helloWorld, market: 'cpu', timeout: 600 });

    const job = await poster.jobs.waitFor(posted.job, (j) => finished(j.state) && j.result !== null, {
      pollMs: 500,
    });
    expect(job.state).toBe('COMPLETED');
    expect(job.node?.toBase58()).toBe(node.address);

    const result = await poster.jobs.result(posted.job);
    expect(result?.status).toBe('success');
    const op = result!.opStates[0]!;
    expect(op.exitCode).toBe(0);
    expect(op.logs.map((l) => l.log).join('\n')).toContain('Hello from the Nosana Network!');
    expect(op.logs.map((l) => l.log).join('\n')).toContain(`job=${posted.job.toBase58()}`);
    expect(op.results?.greeting?.[0]).toMatch(/^Hello from/);

    // Paid by the second for the time it ran; the rest of the deposit went back to the poster.
    const { payout } = settleJob({
      price: job.price,
      timeout: job.timeout,
      timeStart: job.timeStart,
      timeEnd: job.timeEnd,
    });
    // The poster can see COMPLETED on chain before the node's own confirmation of `finish` returns.
    const finishedEvent = () =>
      events.find(
        (e): e is Extract<NodeEvent, { type: 'job-finished' }> =>
          e.type === 'job-finished' && e.job === posted.job.toBase58(),
      );
    await expect.poll(() => finishedEvent()?.action, { timeout: 10_000 }).toBe('finish');
    expect(finishedEvent()?.payout).toBe(payout);
    const after = await poster.balances();
    expect(before.nos - after.nos).toBe(payout);
    expect((await host.balances()).nos).toBe(payout);

    // Back in the queue, nothing left behind in Docker.
    await expect.poll(() => node.state(), { timeout: 10_000 }).toBe('queued');
    expect(await network.leftovers(node.address)).toBe(0);
  }, 120_000);

  it('stops a job at its timeout and is paid the whole deposit', async () => {
    const { node, client: host } = await network.node();
    const poster = network.actor(100n * NOS);
    const posted = await poster.jobs.post({
      definition: shell('echo started; sleep 600'),
      market: 'cpu',
      timeout: 3,
    });
    expect(posted.deposit).toBe(3n * 100n);
    const job = await poster.jobs.waitFor(posted.job, (j) => finished(j.state) && j.result !== null, {
      pollMs: 500,
    });
    expect(job.state).toBe('COMPLETED');
    const result = await poster.jobs.result(posted.job);
    expect(result?.status).toBe('stopped');
    expect(result?.opStates[0]?.logs.map((l) => l.log)).toContain('started');
    expect(result?.opStates[0]?.diagnostics?.reason?.jobExpired).toBe(true);
    expect(job.timeEnd - job.timeStart).toBeGreaterThanOrEqual(3);
    expect((await host.balances()).nos).toBe(posted.deposit);
    expect(await network.leftovers(node.address)).toBe(0);
  }, 120_000);

  it('stops a running job when its owner ends it, and still posts the partial result', async () => {
    const { node, events } = await network.node();
    const poster = network.actor(100n * NOS);
    const posted = await poster.jobs.post({
      definition: shell('echo working; sleep 600'),
      market: 'cpu',
      timeout: 600,
    });
    await poster.jobs.waitFor(posted.job, (j) => j.state === 'RUNNING', { pollMs: 500 });
    await expect
      .poll(() => node.jobs()[0]?.logs.some((l) => l.log === 'working'), { timeout: 30_000 })
      .toBe(true);
    const { action } = await poster.jobs.stop(posted.job);
    expect(action).toBe('end');

    const job = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    expect(job.state).toBe('COMPLETED');
    const result = await poster.jobs.result(posted.job);
    expect(result?.status).toBe('stopped');
    expect(result?.opStates[0]?.logs.map((l) => l.log)).toContain('working');
    await expect
      .poll(() => events.some((e) => e.type === 'job-finished' && e.action === 'complete'), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(await network.leftovers(node.address)).toBe(0);
  }, 120_000);

  it('answers an invalid job definition with a validation-error result and runs no container', async () => {
    const { node } = await network.node();
    const poster = network.actor(100n * NOS);
    // Pinned directly: `jobs.post` would refuse it before spending anything.
    const cid = await putJson(poster.ipfs, {
      version: '0.1',
      type: 'container',
      ops: [{ type: 'container/run', id: 'x', args: {} }],
    });
    const posted = await poster.jobs.post({ definition: { cid }, market: 'cpu', timeout: 600 });
    const job = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    expect(job.state).toBe('COMPLETED');
    const result = await poster.jobs.result(posted.job);
    expect(result?.status).toBe('validation-error');
    expect(result?.errors?.[0]?.message).toMatch(/ops\[0\]\.args\.image/);
    expect(result?.opStates).toEqual([]);
    expect(await network.leftovers(node.address)).toBe(0);
  }, 120_000);

  it('serves a running job live to its owner only: state over HTTP, logs over WebSocket', async () => {
    const { node, api } = await network.node();
    const ownerKey = Keypair.generate();
    const poster = network.actor(100n * NOS, ownerKey);
    const posted = await poster.jobs.post({
      definition: shell('for i in 1 2 3 4 5 6 7 8 9 10; do echo tick $i; sleep 1; done'),
      market: 'cpu',
      timeout: 600,
    });
    const job = posted.job.toBase58();
    await poster.jobs.waitFor(job, (j) => j.state === 'RUNNING', { pollMs: 500 });

    const info = (await (await fetch(`${api.url}/node/info`)).json()) as {
      state: string;
      jobs: Array<{ job: string }>;
    };
    expect(info.jobs.map((j) => j.job)).toContain(job);

    expect((await fetch(`${api.url}/job/${job}`)).status).toBe(401);
    const stranger = createAuthHeader(Keypair.generate(), jobAuthMessage(job));
    expect((await fetch(`${api.url}/job/${job}`, { headers: { authorization: stranger } })).status).toBe(401);

    const authorization = createAuthHeader(ownerKey, jobAuthMessage(job));
    const live = await fetch(`${api.url}/job/${job}`, { headers: { authorization } });
    expect(live.status).toBe(200);
    expect(((await live.json()) as { run: string }).run).toBe(posted.run?.toBase58() ?? node.jobs()[0]?.run);

    const lines: string[] = [];
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/job/${job}/logs`, {
      headers: { authorization },
    });
    await new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        lines.push((JSON.parse(String(data)) as { log: string }).log);
        if (lines.includes('tick 3')) resolve();
      });
      socket.on('error', reject);
    });
    socket.close();
    expect(lines.slice(0, 3)).toEqual(['tick 1', 'tick 2', 'tick 3']);

    await poster.jobs.waitFor(job, (j) => j.result !== null, { pollMs: 500 });
    const strangerSocket = new WebSocket(`${api.url.replace('http', 'ws')}/job/${job}/logs`, {
      headers: { authorization: stranger },
    });
    const refused = await new Promise<number>((resolve) =>
      strangerSocket.on('unexpected-response', (_, response) => resolve(response.statusCode ?? 0)),
    );
    expect(refused).toBe(401);
  }, 120_000);

  it('hides a private service URL from /node/info, gives it to the owner, and refuses foreign Host headers', async () => {
    const { node, api } = await network.node();
    const ownerKey = Keypair.generate();
    const poster = network.actor(100n * NOS, ownerKey);
    const posted = await poster.jobs.post({
      definition: {
        version: '0.1',
        type: 'container',
        ops: [
          {
            type: 'container/run',
            id: 'admin',
            args: {
              image: 'busybox:1.35',
              cmd: [
                'sh',
                '-c',
                'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www',
              ],
              expose: 8080,
              private: true,
            },
          },
        ],
      },
      market: 'cpu',
      timeout: 600,
    });
    const job = posted.job.toBase58();
    await expect.poll(() => node.jobs()[0]?.endpoints[0]?.url, { timeout: 30_000 }).toMatch(/^http:/);
    const url = node.jobs()[0]!.endpoints[0]!.url;

    const info = await (await fetch(`${api.url}/node/info`)).text();
    expect(info).toContain('"private":true');
    expect(info).not.toContain(url);
    const authorization = createAuthHeader(ownerKey, jobAuthMessage(job));
    const owner = await (await fetch(`${api.url}/job/${job}`, { headers: { authorization } })).text();
    expect(owner).toContain(url);

    // DNS rebinding: a page of attacker.example resolved to 127.0.0.1 sends its own name as Host.
    const port = new URL(api.url).port;
    const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${api.url}/node/info`,
        { headers: { host: `attacker.example:${port}` } },
        (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body)).toMatchObject({ code: 'NODE__API_HOST_NOT_ALLOWED' });

    await poster.jobs.stop(posted.job);
    await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    const result = JSON.stringify(await poster.jobs.result(posted.job));
    expect(result).not.toContain(url);
  }, 120_000);

  it('refuses a second node with the same wallet: on this machine by its lock, elsewhere by the chain', async () => {
    const key = Keypair.generate();
    const first = await network.node({ key });
    expect(first.node.state()).toBe('queued');
    const sameMachine = await network.node({ key }).catch((error: unknown) => error);
    expect(isNosanaError(sameMachine, 'NODE__WALLET_LOCKED')).toBe(true);

    // Another machine: its own lock directory, its own state; the chain shows the wallet already queued.
    const otherLocks = mkdtempSync(join(tmpdir(), 'nosana-locks-other-'));
    try {
      const elsewhere = await network.node({ key, lockDir: otherLocks }).catch((error: unknown) => error);
      expect(isNosanaError(elsewhere, 'NODE__WALLET_IN_USE')).toBe(true);
      expect((elsewhere as Error).message).toMatch(/already waits in the queue of market/);
      const market = await network.actor().markets.get('cpu');
      expect(market.queue.filter((k) => k.equals(key.publicKey))).toHaveLength(1);
    } finally {
      rmSync(otherLocks, { recursive: true, force: true });
    }
    // The first one is unaffected and still serves jobs.
    const poster = network.actor(100n * NOS);
    const posted = await poster.jobs.post({ definition: shell('echo once'), market: 'cpu', timeout: 600 });
    const job = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    expect(job.node?.toBase58()).toBe(first.node.address);
  }, 120_000);

  it('two nodes share a market: every job runs exactly once', async () => {
    const a = await network.node();
    const b = await network.node();
    const poster = network.actor(1000n * NOS);
    const posted = [];
    for (let i = 0; i < 6; i++)
      posted.push(
        await poster.jobs.post({ definition: shell(`echo job-${i}; sleep 1`), market: 'cpu', timeout: 600 }),
      );
    const jobs = await Promise.all(
      posted.map((p) => poster.jobs.waitFor(p.job, (j) => j.result !== null, { pollMs: 500 })),
    );
    expect(jobs.every((j) => j.state === 'COMPLETED')).toBe(true);
    const ran = [...a.events, ...b.events]
      .filter((e) => e.type === 'job-started')
      .map((e) => (e as { job: string }).job);
    expect(ran.sort()).toEqual(posted.map((p) => p.job.toBase58()).sort());
    expect(new Set(jobs.map((j) => j.node?.toBase58()))).toEqual(new Set([a.node.address, b.node.address]));
    for (const [i, p] of posted.entries()) {
      const result = await poster.jobs.result(p.job);
      expect(result?.opStates[0]?.logs.map((l) => l.log)).toContain(`job-${i}`);
    }
  }, 180_000);

  it('survives kill -9 mid-job: on restart it resumes the container, finishes the job and leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nosana-node-crash-'));
    const launcher = network.nodeProcess(dir);
    const { key } = launcher;
    const spawnNode = () => followNode(launcher.spawn());
    const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

    try {
      const first = spawnNode();
      await first.next((e) => e.type === 'state' && e.state === 'queued');
      const poster = network.actor(100n * NOS);
      const posted = await poster.jobs.post({
        definition: shell('echo before; sleep 6; echo after'),
        market: 'cpu',
        timeout: 600,
      });
      await first.next(
        (e) => e.type === 'runtime' && e.event.type === 'log' && e.event.entry.log === 'before',
      );
      first.child.kill('SIGKILL');
      await exited(first.child);
      expect(await network.leftovers(key.publicKey.toBase58())).toBeGreaterThan(0);

      const second = spawnNode();
      const recovered = await second.next((e) => e.type === 'job-recovered');
      expect(recovered).toMatchObject({ job: posted.job.toBase58(), action: 'resumed' });
      const job = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
      expect(job.state).toBe('COMPLETED');
      const result = await poster.jobs.result(posted.job);
      expect(result?.status).toBe('success');
      expect(result?.opStates[0]?.logs.map((l) => l.log)).toEqual(
        expect.arrayContaining(['before', 'after']),
      );

      await second.next(
        (e) =>
          e.type === 'state' && e.state === 'queued' && second.events.some((x) => x.type === 'job-finished'),
      );
      second.child.kill('SIGTERM');
      await exited(second.child);
      expect(await network.leftovers(key.publicKey.toBase58())).toBe(0);
      // A graceful stop leaves the queue.
      const market = await poster.markets.get('cpu');
      expect(market.queue.some((k) => k.equals(key.publicKey))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
