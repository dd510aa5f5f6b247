/**
 * `jobs.get(job, { run })`: a node watching its own run reads the job and that Run account in one call instead of
 * scanning the program for the job's runs — and sees what the scan sees while the run is the job's, and no run once
 * it is not.
 */
import { isNosanaError, type JobDefinition } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Localnet, startLocalnet } from './localnet.js';
import { createLocalnetActors, type LocalnetActors } from './testing.js';

let localnet: Localnet;
let actors: LocalnetActors;
/** Each JSON-RPC call's method, as the localnet received it; `onCall` sees each one. */
const calls: string[] = [];
let onCall: ((method: string) => void) | undefined;
beforeAll(async () => {
  localnet = await startLocalnet({
    dataDir: 'temporary',
    rpcPort: 0,
    ipfsPort: 0,
    onRpcCall: (method) => {
      calls.push(method);
      onCall?.(method);
    },
  });
  actors = createLocalnetActors(localnet);
});
afterAll(async () => {
  actors?.close();
  await localnet?.close();
});

const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'known', args: { image: 'busybox:1.35', cmd: 'true' } }],
};

describe('jobs.get with a known run', () => {
  it('equals the scanned view while the run is the job’s, and has no run before or after it', async () => {
    const poster = actors.actor(100n * 1_000_000n);
    const host = actors.actor();
    await host.host.prepare();
    const { job } = await poster.jobs.post({ definition, market: 'cpu', timeout: 600 });
    const stranger = Keypair.generate().publicKey;

    const queued = await poster.jobs.get(job, { run: stranger });
    expect(queued).toEqual(await poster.jobs.get(job));
    expect(queued.run).toBeNull();

    const { run } = await host.host.work('cpu');
    expect(run?.job.equals(job)).toBe(true);
    const running = await host.jobs.get(job, { run: run!.address });
    expect(running.state).toBe('RUNNING');
    expect(running).toEqual(await host.jobs.get(job));
    // Another job's run, an account that is not a run, and an address with no account are not this job's run.
    const other = await poster.jobs.post({ definition, market: 'cpu', timeout: 600 });
    const otherRun = (await host.host.work('cpu')).run!;
    const market = (await poster.markets.get('cpu')).address;
    for (const notOurs of [otherRun.address, market, stranger]) {
      const view = await host.jobs.get(job, { run: notOurs });
      expect(view.run).toBeNull();
      expect(view.address.equals(job)).toBe(true);
    }
    expect(
      (await host.jobs.get(other.job, { run: otherRun.address })).run?.address.equals(otherRun.address),
    ).toBe(true);

    const result = await host.ipfs.putBytes(new TextEncoder().encode('{"status":"success","opStates":[]}'));
    await host.host.finish({ run: run!, result });
    const done = await poster.jobs.get(job, { run: run!.address });
    expect(done).toEqual(await poster.jobs.get(job));
    expect(done.state).toBe('COMPLETED');
    expect(done.run).toBeNull();
  });

  it('lets waitFor read a running job with its run, without scanning the runs at every poll', async () => {
    const poster = actors.actor(100n * 1_000_000n);
    const host = actors.actor();
    await host.host.prepare();
    const { job } = await poster.jobs.post({ definition, market: 'gpu', timeout: 600 });
    const { run } = await host.host.work('gpu');
    const states: string[] = [];
    let running!: () => void;
    const seenRunning = new Promise<void>((resolve) => {
      running = resolve;
    });
    const done = poster.jobs.waitFor(job, (j) => j.state === 'COMPLETED', {
      pollMs: 20,
      onChange: (j) => {
        states.push(j.state);
        if (j.state === 'RUNNING') running();
      },
    });
    await seenRunning;
    // From here on, three polls: each one getMultipleAccounts, and no getProgramAccounts.
    const from = calls.length;
    await new Promise<void>((resolve) => {
      let reads = 0;
      onCall = (method) => {
        if (method === 'getMultipleAccounts' && ++reads === 3) resolve();
      };
    });
    onCall = undefined;
    expect(calls.slice(from).filter((method) => method === 'getProgramAccounts')).toEqual([]);
    const result = await host.ipfs.putBytes(new TextEncoder().encode('{"status":"success","opStates":[]}'));
    await host.host.finish({ run: run!, result });
    const completed = await done;
    expect(completed.state).toBe('COMPLETED');
    expect(completed.result).toBe(result);
    expect(states).toEqual(['RUNNING', 'COMPLETED']);
  });

  it('refuses a job that does not exist as the scan does', async () => {
    const client = actors.actor();
    const missing = Keypair.generate().publicKey;
    const code = await client.jobs.get(missing, { run: Keypair.generate().publicKey }).then(
      () => 'resolved',
      (error: unknown) => (isNosanaError(error) ? error.code : String(error)),
    );
    expect(code).toBe('CHAIN__JOB_NOT_FOUND');
  });
});
