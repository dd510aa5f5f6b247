import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Runtime } from '@nosana/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverJobs } from './recovery.js';
import { type NodeStore, openNodeStore } from './store.js';
import { createFakeChain, createFakeClock, type FakeChain, rpcDown } from './testing.js';

let dir: string;
let store: NodeStore;
let chain: FakeChain;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-recovery-'));
  store = openNodeStore({ dir });
  chain = createFakeChain();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A runtime whose engine holds containers of `jobs`; records what it reaps. */
const runtimeWith = (jobs: string[]) => {
  const reaped: string[] = [];
  const runtime = {
    listJobs: async () => [...jobs],
    reap: async (job?: string) => {
      reaped.push(job ?? '*');
      return { containers: 1, volumes: 0, networks: 0 };
    },
    runFlow: async () => {
      throw new Error('recovery never runs a flow');
    },
    stopFlow: () => false,
  } satisfies Runtime;
  return { runtime, reaped };
};
const matched = async () => {
  chain.queue.push(chain.address);
  const job = chain.postJob({ version: '0.1', type: 'container', ops: [] });
  return { job, run: chain.runsByJob.get(job)! };
};
const record = (
  job: string,
  run: string,
  phase: 'claimed' | 'running' | 'result-ready' | 'result-pinned',
) => ({
  job,
  run,
  market: chain.market,
  phase,
  startedAt: 1,
  ...(phase === 'result-pinned' ? { result: 'QmX', status: 'success' as const } : {}),
});

describe('recoverJobs', () => {
  it('resumes a running job whose containers survived', async () => {
    const { job, run } = await matched();
    await store.put(record(job, run.address.toBase58(), 'running'));
    const { runtime, reaped } = runtimeWith([job]);
    const { outcomes } = await recoverJobs({ chain, runtime, store, clock: createFakeClock() });
    expect(outcomes).toEqual([{ job, action: 'resumed' }]);
    expect(reaped).toEqual([]);
    expect(store.get(job)?.phase).toBe('running');
  });

  it('gives back a running job whose containers are gone', async () => {
    const { job, run } = await matched();
    await store.put(record(job, run.address.toBase58(), 'running'));
    const { outcomes } = await recoverJobs({
      chain,
      runtime: runtimeWith([]).runtime,
      store,
      clock: createFakeClock(),
    });
    expect(outcomes).toEqual([{ job, action: 'quit' }]);
    expect(chain.log).toContain(`quit ${job}`);
    expect(store.get(job)).toBeUndefined();
  });

  it('hands results waiting to be pinned or posted to settlement, with or without a run', async () => {
    const { job, run } = await matched();
    await store.put(record(job, run.address.toBase58(), 'result-pinned'));
    await store.put(record('GoneJob', 'GoneRun', 'result-ready'));
    const { outcomes, settle } = await recoverJobs({
      chain,
      runtime: runtimeWith([]).runtime,
      store,
      clock: createFakeClock(),
    });
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { job, action: 'settled' },
        { job: 'GoneJob', action: 'settled' },
      ]),
    );
    expect(settle.map((r) => r.job).sort()).toEqual([job, 'GoneJob'].sort());
    expect(chain.log.filter((l) => l.startsWith('quit'))).toEqual([]);
  });

  it('drops a job the chain no longer gives this node, and reaps its containers and strays', async () => {
    const { job, run } = await matched();
    await store.put(record(job, run.address.toBase58(), 'running'));
    chain.ownerStop(job);
    const { runtime, reaped } = runtimeWith([job, 'StrayJob']);
    const { outcomes } = await recoverJobs({ chain, runtime, store, clock: createFakeClock() });
    expect(outcomes).toEqual([{ job, action: 'dropped' }]);
    expect(reaped.sort()).toEqual([job, 'StrayJob'].sort());
    expect(store.jobs()).toEqual([]);
  });

  it('retries reads that fail with backoff, and decides nothing on a failed read', async () => {
    const { job, run } = await matched();
    await store.put(record(job, run.address.toBase58(), 'running'));
    let failures = 3;
    chain.fault = (method) =>
      method === 'runs' && failures-- > 0 ? rpcDown('getProgramAccounts') : undefined;
    const clock = createFakeClock();
    const recovering = recoverJobs({ chain, runtime: runtimeWith([job]).runtime, store, clock });
    await clock.runUntil(() => failures < 0);
    const { outcomes } = await recovering;
    expect(outcomes).toEqual([{ job, action: 'resumed' }]);
    expect(chain.calls.runs).toBe(4);
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });
});
