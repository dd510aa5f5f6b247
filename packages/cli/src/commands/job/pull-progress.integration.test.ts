/**
 * `job get` and `job post --wait` show a running job's image pull as its node reports it: run in this process from
 * the sources, against a localnet in this process; the job is matched by a host client, and its node API is a
 * loopback server answering `/node/info` with the pull's progress (the node's side is tested in @nosana/node and
 * tests/src/images.integration.test.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NosanaClient } from '@nosana/chain';
import type { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import type { JobGetResult } from './get.js';

const NOS = 1_000_000n;
let network: TestNetwork;
let poster: NosanaClient;
let host: NosanaClient;
let posterEnv: NodeJS.ProcessEnv;
let nodeApi: Server;
let nodeApiUrl: string;
/** What the fake node API reports for each job it runs. */
const running = new Map<string, Record<string, unknown>>();

const client = (key: Keypair) => network.client(key);

beforeAll(async () => {
  network = await startTestNetwork();
  const posterWallet = network.wallet(100n * NOS);
  posterEnv = network.env(posterWallet.path);
  poster = client(posterWallet.key);
  host = client(network.wallet().key);
  await host.host.prepare();
  nodeApi = createServer((request, response) => {
    if (request.url !== '/node/info') return response.writeHead(404).end();
    const jobs = [...running].map(([job, pulls]) => ({ job, endpoints: [], pulls }));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jobs }));
  });
  await new Promise<void>((resolve) => nodeApi.listen(0, '127.0.0.1', resolve));
  nodeApiUrl = `http://127.0.0.1:${(nodeApi.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  nodeApi?.close();
  poster?.close();
  host?.close();
  await network?.close();
});

describe('image pull progress in the job commands', () => {
  it('job get shows "pulling <image> 1.2/2.0 GB (60 %)" for a running job, and the pulls in --json', async () => {
    const posted = await poster.jobs.post({
      definition: {
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'main', args: { image: '127.0.0.1:5000/big:2g' } }],
      },
      market: 'cpu',
      timeout: 600,
    });
    const { run } = await host.host.work('cpu');
    expect(run?.job.toBase58()).toBe(posted.job.toBase58());
    running.set(posted.job.toBase58(), {
      main: {
        image: '127.0.0.1:5000/big:2g',
        status: 'Downloading',
        phase: 'downloading',
        current: 1_200_000_000,
        total: 2_000_000_000,
        layers: { total: 2, done: 1, cached: 1 },
      },
    });

    const human = await runCommand(['job', 'get', posted.job.toBase58(), '--node-api', nodeApiUrl], {
      env: posterEnv,
    });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('main: pulling 127.0.0.1:5000/big:2g 1.2/2.0 GB (60 %)');

    const json = await runCommand(['job', 'get', posted.job.toBase58(), '--node-api', nodeApiUrl, '--json'], {
      env: posterEnv,
    });
    const { result } = json.json<{ result: JobGetResult }>();
    expect(result.pulls).toEqual([
      {
        opId: 'main',
        image: '127.0.0.1:5000/big:2g',
        phase: 'downloading',
        current: 1_200_000_000,
        total: 2_000_000_000,
        layers: { total: 2, done: 1, cached: 1 },
      },
    ]);
  }, 120_000);

  it('job get --wait reports the last pull its node reported once the job ends (--json)', async () => {
    const posted = await poster.jobs.post({
      definition: {
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'main', args: { image: '127.0.0.1:5000/app:1' } }],
      },
      market: 'cpu',
      timeout: 600,
    });
    const { run } = await host.host.work('cpu');
    const job = posted.job.toBase58();
    const pull = { image: '127.0.0.1:5000/app:1', phase: 'complete', current: 3e6, total: 3e6 };
    running.set(job, { main: pull });
    const waiting = runCommand(['job', 'get', job, '--wait', '--node-api', nodeApiUrl, '--json'], {
      env: posterEnv,
    });
    // The node finishes once the CLI has had the pull from the node API.
    const { putJson } = await import('@nosana/chain');
    const asked = () => new Promise<void>((resolve) => nodeApi.once('request', () => resolve()));
    await asked();
    await asked();
    running.delete(job);
    const cid = await putJson(host.ipfs, { status: 'success', startTime: 1, endTime: 2, opStates: [] });
    await host.host.finish({ run: run!, result: cid });
    const done = await waiting;
    expect(done.code, done.stderr).toBe(0);
    expect(done.json<{ result: JobGetResult }>().result.pulls).toEqual([{ opId: 'main', ...pull }]);
  }, 120_000);
});
