/**
 * The node's state machine on the runtime's fake engine and a fake chain port: every job is run once, settled once,
 * and an outage (RPC, IPFS) is waited out with backoff — never taken for a stop, never a reason to run again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FlowState, isNosanaError, type JobDefinition, NosanaError } from '@nosana/core';
import { createRuntime } from '@nosana/runtime';
import { createFakeEngine } from '@nosana/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createNode } from './daemon.js';
import { closeHarnesses, finished, finishes, harness, harnesses, resultOf } from './daemon-harness.js';
import { openNodeStore } from './store.js';
import { createFakeChain, createFakeClock, rpcDown } from './testing.js';

const definition = (cmd = 'echo hello'): JobDefinition => ({
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'main', args: { image: 'busybox:1.35', cmd } }],
});

afterEach(closeHarnesses);

describe('createNode (fake engine, fake chain)', () => {
  it('pulls the market’s required images (and the operator’s) before it joins the queue', async () => {
    const h = await harness(undefined, {
      marketImages: ['pull-me/market:1', 'busybox:1.35', 'pull-me/missing:1'],
      prePull: ['pull-me/operator:1'],
    });
    expect(h.engine.pulled).toEqual(['pull-me/market:1', 'pull-me/operator:1']);
    const types = h.events.map((e) => (e.type === 'state' ? `state:${e.state}` : e.type));
    expect(types.indexOf('state:preparing')).toBeGreaterThan(-1);
    expect(types.lastIndexOf('image-ready')).toBeLessThan(types.indexOf('state:queued'));
    const ready = h.events.flatMap((e) =>
      e.type === 'image-ready' ? [[e.result.image, e.result.outcome]] : [],
    );
    expect(ready).toEqual([
      ['pull-me/market:1', 'pulled'],
      ['busybox:1.35', 'present'],
      ['pull-me/missing:1', 'failed'],
      ['pull-me/operator:1', 'pulled'],
    ]);
    expect(h.node.images().map((i) => i.state)).toEqual(['pulled', 'present', 'failed', 'pulled']);
    // A failed pre-pull does not keep the node out of the queue.
    expect(h.chain.queue).toContain(h.chain.address);
  });

  it('keeps its images under the cache limit: the least recently used goes, the market’s image never', async () => {
    // The fake engine reports 1000 bytes per image: room for two.
    const h = await harness(undefined, {
      marketImages: ['pull-me/market:1'],
      imageCache: { maxBytes: 2000 },
    });
    const image = (name: string): JobDefinition => ({
      version: '0.1',
      type: 'container',
      ops: [{ type: 'container/run', id: 'main', args: { image: name, cmd: 'true' } }],
    });
    const evicted = () => h.events.flatMap((e) => (e.type === 'image-evicted' ? [e.image] : []));
    for (const [i, name] of ['pull-me/a:1', 'pull-me/b:1', 'pull-me/c:1'].entries()) {
      const job = h.chain.postJob(image(name));
      await h.clock.runUntil(() => h.chain.jobs.get(job)?.result !== null && evicted().length === i);
      await h.clock.advance(1000);
    }
    expect(evicted()).toEqual(['pull-me/a:1', 'pull-me/b:1']);
    expect([...h.engine.images].sort()).toEqual(['pull-me/c:1', 'pull-me/market:1']);
  });

  it('pre-pulls nothing with prePull: false', async () => {
    const h = await harness(undefined, { marketImages: ['pull-me/market:1'], prePull: false });
    expect(h.engine.pulled).toEqual([]);
    expect(h.chain.calls.requiredImages).toBeUndefined();
  });

  it('runs a matched job once, pins its result, finishes it and is paid for the chain time it ran', async () => {
    const h = await harness();
    expect(h.chain.queue).toEqual([h.chain.address]);
    const job = h.chain.postJob(definition());
    h.chain.time += 7;
    await h.clock.runUntil(finished(h, job));
    expect(finishes(h.chain, job)).toHaveLength(1);
    expect(h.engine.started).toHaveLength(1);
    expect(resultOf(h.chain, job).status).toBe('success');
    expect(h.events.find((e) => e.type === 'job-finished')).toMatchObject({ action: 'finish', payout: 70n });
    expect(h.store.jobs()).toEqual([]);
  });

  it('keeps one run subscription for its life, and starts a matched job on its notification, not at the next poll', async () => {
    const h = await harness();
    await h.clock.advance(5000);
    await h.clock.advance(5000);
    expect(h.chain.calls.runs).toBeGreaterThanOrEqual(5);
    expect(h.chain.calls.watchRuns).toBe(1);
    const before = h.clock.now();
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(() => h.events.some((e) => e.type === 'job-started' && e.job === job));
    expect(h.clock.now() - before).toBeLessThan(1000);
    await h.clock.runUntil(finished(h, job));
    expect(h.chain.calls.watchRuns).toBe(1);
  });

  it('while it runs all it can, reads only its job with its run: no scan of runs, jobs or the queue', async () => {
    const h = await harness(() => ({ logs: [{ line: 'working' }], forever: true }));
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(() => h.engine.started.length === 1);
    const run = h.chain.runsByJob.get(job)!.address.toBase58();
    const reads: unknown[][] = [];
    h.chain.fault = (method, args) => void reads.push([method, ...args]);
    await h.clock.advance(60_000);
    expect(reads.filter(([method]) => method === 'runs' || method === 'isQueued')).toEqual([]);
    const jobReads = reads.filter(([method]) => method === 'getJob');
    expect(jobReads.length).toBeGreaterThan(3);
    expect(jobReads.every(([, read, withRun]) => read === job && withRun === run)).toBe(true);
    h.chain.fault = undefined;
    const runsWhileBusy = h.chain.calls.runs ?? 0;
    h.chain.ownerStop(job);
    await h.clock.runUntil(finished(h, job));
    // A slot is free again: the loop reads its runs and rejoins the queue (runUntil lets the settlement's real work
    // finish first, and throws if the runs are never read again).
    await h.clock.runUntil(() => (h.chain.calls.runs ?? 0) > runsWhileBusy);
    expect(h.chain.calls.runs).toBeGreaterThan(runsWhileBusy);
  });

  it('keeps a job running through RPC errors while it watches it, and runs it only once (regression)', async () => {
    const h = await harness(() => ({ logs: [{ line: 'working' }], exitCode: 0, durationMs: 1500 }));
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(() => h.engine.started.length === 1);
    // The RPC fails for every read for a minute of the node's time.
    h.chain.fault = (method) =>
      ['getJob', 'chainTime', 'runs', 'isQueued'].includes(method) ? rpcDown(method) : undefined;
    const before = h.chain.calls.getJob ?? 0;
    await h.clock.advance(60_000);
    expect(h.chain.calls.getJob! - before).toBeGreaterThan(3);
    // Retried with backoff, not stopped: the container runs on, nothing was given back or finished.
    expect([...h.engine.containers.values()].map((c) => c.state)).toEqual(['running']);
    expect(h.chain.log.filter((l) => l.startsWith('quit') || l.startsWith('finish'))).toEqual([]);
    expect(h.events.some((e) => e.type === 'warning' && /keeps running/.test(e.message))).toBe(true);
    h.chain.fault = undefined;
    await h.clock.runUntil(finished(h, job));
    expect(h.engine.started).toHaveLength(1);
    expect(finishes(h.chain)).toHaveLength(1);
    expect(resultOf(h.chain, job).status).toBe('success');
    expect(resultOf(h.chain, job).opStates[0]?.exitCode).toBe(0);
  });

  it('stops a job on a confirmed owner stop and posts its partial result with complete', async () => {
    const h = await harness(() => ({ logs: [{ line: 'working' }], forever: true }));
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(() => h.engine.started.length === 1);
    h.chain.ownerStop(job);
    await h.clock.runUntil(finished(h, job));
    expect(h.events.find((e) => e.type === 'job-finished')).toMatchObject({ action: 'complete' });
    expect(resultOf(h.chain, job).status).toBe('stopped');
    expect(resultOf(h.chain, job).opStates[0]?.diagnostics?.reason?.jobStopped).toBe(true);
    expect(h.engine.started).toHaveLength(1);
  });

  it('stops a job at its timeout on the chain clock and finishes it', async () => {
    const h = await harness(() => ({ forever: true }));
    const job = h.chain.postJob(definition(), { timeout: 30 });
    await h.clock.runUntil(() => h.engine.started.length === 1);
    h.chain.time += 31;
    await h.clock.runUntil(finished(h, job));
    expect(resultOf(h.chain, job).opStates[0]?.diagnostics?.reason?.jobExpired).toBe(true);
    expect(h.events.find((e) => e.type === 'job-finished')).toMatchObject({ action: 'finish', payout: 300n });
  });

  it('waits out an IPFS outage with growing backoff and never runs the containers again (regression)', async () => {
    const h = await harness();
    let down = 3;
    h.chain.fault = (method) => {
      if (method !== 'pinJson' || down <= 0) return undefined;
      down--;
      return new NosanaError('CHAIN__IPFS_UNREACHABLE', 'IPFS API refused the connection', { url: 'x' });
    };
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(finished(h, job));
    expect(h.chain.calls.pinJson).toBe(4);
    expect(h.engine.started).toHaveLength(1);
    expect(finishes(h.chain)).toHaveLength(1);
    const retries = h.clock.sleeps.filter((ms) => [500, 1000, 2000].includes(ms));
    expect(retries).toEqual(expect.arrayContaining([500, 1000, 2000]));
    expect(resultOf(h.chain, job).status).toBe('success');
  });

  it('posts a shortened result that says so when the full one can never be pinned', async () => {
    const h = await harness(() => ({ logs: [{ line: 'x'.repeat(5000) }], exitCode: 0, durationMs: 5 }), {
      pinAttempts: 3,
    });
    // IPFS refuses anything over 2 KB (a pinning service's limit): only the shortened result fits.
    h.chain.fault = (method, args) =>
      method === 'pinJson' && JSON.stringify(args[0]).length > 2000
        ? new NosanaError('CHAIN__IPFS_UNREACHABLE', 'pin refused: 413 Payload Too Large', { url: 'x' })
        : undefined;
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(finished(h, job));
    expect(h.engine.started).toHaveLength(1);
    const result = resultOf(h.chain, job);
    expect(result.status).toBe('success');
    expect(result.errors?.at(-1)).toMatchObject({ code: 'NODE__RESULT_REPLACED' });
    expect(result.errors?.at(-1)?.message).toMatch(/could not pin the full result.*413/);
    expect(result.opStates[0]?.exitCode).toBe(0);
    expect(h.events.find((e) => e.type === 'job-finished')).toMatchObject({ replaced: true });
  });

  it('cuts the logs of a result over the size limit before pinning it, with a marker', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => ({ line: `line ${i} ${'y'.repeat(100)}` }));
    const h = await harness(() => ({ logs: lines, exitCode: 0, durationMs: 5 }), { maxResultBytes: 20_000 });
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(finished(h, job));
    const text = h.chain.pins.get(h.chain.jobs.get(job)!.result!)!;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(20_000);
    const logs = (JSON.parse(text) as FlowState).opStates[0]!.logs.map((l) => l.log);
    expect(logs[0]).toMatch(/^line 0 /);
    expect(logs.at(-1)).toMatch(/^line 399 /);
    expect(logs.find((l) => l.includes('removed here'))).toMatch(/\d+ log lines \(\d+ bytes\) removed/);
  });

  it('retries a failing finish with backoff and posts it exactly once', async () => {
    const h = await harness();
    let failures = 2;
    h.chain.fault = (method) =>
      method === 'finish' && failures-- > 0 ? rpcDown('sendTransaction') : undefined;
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(finished(h, job));
    expect(h.chain.calls.finish).toBe(3);
    expect(finishes(h.chain)).toHaveLength(1);
    expect(h.engine.started).toHaveLength(1);
  });

  it('resumes a settlement interrupted by a stop at the next start, without running the job again', async () => {
    const first = await harness();
    first.chain.fault = (method) => (method === 'finish' ? rpcDown('sendTransaction') : undefined);
    const job = first.chain.postJob(definition());
    await first.clock.runUntil(() => first.store.get(job)?.phase === 'result-pinned');
    const stopping = first.node.stop();
    await first.clock.runUntil(() => first.node.state() === 'stopped');
    await stopping;
    harnesses.splice(harnesses.indexOf(first), 1);
    await first.store.close();
    expect(first.chain.runsByJob.has(job)).toBe(true);

    first.chain.fault = undefined;
    const second = await harness(undefined, { reuse: first });
    await second.clock.runUntil(() => second.events.some((e) => e.type === 'job-recovered'));
    expect(second.events.find((e) => e.type === 'job-recovered')).toMatchObject({ job, action: 'settled' });
    expect(finishes(second.chain)).toHaveLength(1);
    expect(second.engine.started).toHaveLength(1);
  });

  it('stops running jobs on a graceful stop, posts their partial results and leaves the queue', async () => {
    const h = await harness(() => ({ logs: [{ line: 'working' }], forever: true }));
    const job = h.chain.postJob(definition());
    await h.clock.runUntil(() => h.engine.started.length === 1);
    const stopping = h.node.stop();
    await h.clock.runUntil(() => h.node.state() === 'stopped');
    await stopping;
    expect(finishes(h.chain, job)).toHaveLength(1);
    expect(resultOf(h.chain, job).opStates[0]?.diagnostics?.reason?.hostShutDown).toBe(true);
    expect(h.chain.queue).toEqual([]);
    expect(h.store.presence()).toBeUndefined();
  });

  it('refuses to start when the wallet already waits in a queue this state directory did not join', async () => {
    const chain = createFakeChain();
    chain.queue.push(chain.address);
    const dir = mkdtempSync(join(tmpdir(), 'nosana-daemon-'));
    const store = openNodeStore({ dir });
    try {
      const node = createNode({
        chain,
        runtime: createRuntime({ engine: createFakeEngine(), scope: chain.address }),
        engine: createFakeEngine(),
        store,
        market: 'cpu',
        gpus: { gpus: [], cudaVersion: null },
        clock: createFakeClock(),
        checks: { minDiskBytes: 0 },
      });
      const error = await node.start().catch((e: unknown) => e);
      expect(isNosanaError(error, 'NODE__WALLET_IN_USE')).toBe(true);
      expect((error as NosanaError<'NODE__WALLET_IN_USE'>).context.markets).toEqual([chain.market]);
      expect(chain.log).toEqual([]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recovers its own queue place after a crash (the state directory put it there)', async () => {
    const first = await harness();
    // A crash: the store still says the wallet is queued by this directory.
    harnesses.splice(harnesses.indexOf(first), 1);
    expect(first.store.presence()).toEqual({ address: first.chain.address, market: first.chain.market });
    await first.store.close();
    const second = await harness(undefined, { reuse: first });
    expect(second.node.state()).toBe('queued');
    const job = second.chain.postJob(definition());
    await second.clock.runUntil(finished(second, job));
    expect(finishes(second.chain, job)).toHaveLength(1);
  });
});
