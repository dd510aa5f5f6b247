import { encodeJobAccount, encodeRunAccount, SYSTEM_PROGRAM_ADDRESS } from '@nosana/chain';
import { cidToBytes32 } from '@nosana/core';
import { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { explainJob } from './explain.js';
import { getJob, getNode, listJobs } from './queries.js';
import { decodeProgramAccount, jobCost, jobStatus, median } from './rows.js';
import { type Change, openStore } from './store.js';

const key = () => Keypair.generate().publicKey;
const CID = 'QmWmRj3dFDZdb6ABvbmKhEL6TmPbAfBZ1t5BxsEyJrcZhE';
const market = key();

function jobBytes(
  state: number,
  extra: { node?: ReturnType<typeof key>; timeStart?: number; timeEnd?: number } = {},
) {
  return encodeJobAccount({
    ipfsJob: cidToBytes32(CID),
    ipfsResult: new Uint8Array(32),
    market,
    node: extra.node ?? new PublicKey(SYSTEM_PROGRAM_ADDRESS),
    payer: key(),
    price: 100n,
    project: key(),
    state,
    timeEnd: extra.timeEnd ?? 0,
    timeStart: extra.timeStart ?? 0,
    timeout: 600,
  });
}

describe('rows', () => {
  it('derives status, cost and medians', () => {
    expect(jobStatus(0, false, false)).toBe('QUEUED');
    expect(jobStatus(0, true, false)).toBe('RUNNING');
    expect(jobStatus(0, false, true)).toBe('DELISTED');
    expect(jobStatus(2, false, true)).toBe('COMPLETED');
    expect(jobStatus(3, false, false)).toBe('STOPPED');
    expect(jobCost({ price: '100', timeout: 600, timeStart: 10, timeEnd: 52 })).toBe(4200n);
    expect(jobCost({ price: '100', timeout: 30, timeStart: 10, timeEnd: 52 })).toBe(3000n);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('the store', () => {
  it('applies updates in slot order, derives RUNNING from runs, and records each change once', () => {
    const changes: Change[] = [];
    const store = openStore({ path: ':memory:', onChange: (c) => changes.push(c) });
    const job = key();
    const node = key();
    const queued = decodeProgramAccount(job.toBase58(), jobBytes(0));
    if (queued.kind !== 'job') throw new Error('not a job');
    store.putJob(queued.row, 10, 1000);
    store.putJob(queued.row, 11, 1001);
    expect(changes.map((c) => [c.kind, c.status])).toEqual([['job', 'QUEUED']]);

    const run = decodeProgramAccount(
      key().toBase58(),
      encodeRunAccount({ job, node, payer: key(), state: 0, time: 1010 }),
    );
    if (run.kind !== 'run') throw new Error('not a run');
    store.putRun(run.row, 12);
    expect(getJob(store, job.toBase58())).toMatchObject({
      status: 'RUNNING',
      node: node.toBase58(),
      timeline: { posted: 1000, claimed: 1010, waitSeconds: 10 },
    });
    expect(explainJob(store, job.toBase58())?.reason).toBe('RUNNING');

    const done = decodeProgramAccount(job.toBase58(), jobBytes(2, { node, timeStart: 1010, timeEnd: 1052 }));
    if (done.kind !== 'job') throw new Error('not a job');
    store.putJob(done.row, 13, 1052);
    store.close(run.row.address, 13);
    // An older update arriving late is ignored.
    store.putJob(queued.row, 9, 999);
    expect(getJob(store, job.toBase58())).toMatchObject({
      status: 'COMPLETED',
      cost: '4200',
      timeline: { runSeconds: 42 },
    });
    expect(getNode(store, node.toBase58())).toMatchObject({
      completed: 1,
      earnings: '4200',
      successRate: 1,
      current: [],
    });
    expect(listJobs(store, { status: 'COMPLETED', limit: 10 }).items).toHaveLength(1);
    expect(changes.filter((c) => c.kind === 'job').map((c) => c.status)).toEqual([
      'QUEUED',
      'RUNNING',
      'COMPLETED',
    ]);
    store.closeDatabase();
  });

  it('closes a queued job as DELISTED, ignores a close older than the row, and resets', () => {
    const store = openStore({ path: ':memory:' });
    const job = key().toBase58();
    const row = decodeProgramAccount(job, jobBytes(0));
    if (row.kind !== 'job') throw new Error('not a job');
    store.putJob(row.row, 20, null);
    store.close(job, 19);
    expect(getJob(store, job)?.status).toBe('QUEUED');
    expect(store.openAccountsBefore(21)).toEqual([job]);
    store.close(job, 21);
    expect(getJob(store, job)).toMatchObject({ status: 'DELISTED', closed: true });
    store.reset(5);
    expect(getJob(store, job)).toBeNull();
    store.closeDatabase();
  });
});
