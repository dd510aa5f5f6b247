/**
 * `nosana indexer start`, `nosana job list --indexer` and `nosana job explain` through the built binary, against a
 * localnet in this process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { NosanaClient } from '@nosana/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { CLI, REPO, runCli } from '../../../test/run-cli.js';
import type { JobExplainResult } from '../job/explain.js';
import type { JobListResult } from '../job/list.js';
import type { IndexerStartResult } from './start.js';

type Ok<T> = { status: 'ok'; result: T; warnings: string[] };
const NOS = 1_000_000n;

let network: TestNetwork;
let poster: NosanaClient;
let indexer: ReturnType<typeof spawn>;
let url: string;

beforeAll(async () => {
  network = await startTestNetwork();
  const wallet = network.wallet(100n * NOS);
  poster = network.client(wallet.key);
  indexer = spawn(
    process.execPath,
    [
      CLI,
      'indexer',
      'start',
      '--rpc',
      network.localnet.rpcUrl,
      '--ws',
      network.localnet.wsUrl,
      '--db',
      join(network.dir, 'indexer.db'),
      '--listen',
      '127.0.0.1:0',
      '--json',
    ],
    { cwd: REPO, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Keep reading stdout for the whole test (a closed pipe would kill the process); resolve on the envelope.
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    indexer.once('exit', (code) => reject(new Error(`nosana indexer start exited (${code}): ${out}`)));
    indexer.stdout!.on('data', (chunk) => {
      out += chunk;
      try {
        resolve((JSON.parse(out) as Ok<IndexerStartResult>).result.url);
      } catch {
        // The envelope is still being written.
      }
    });
  });
}, 120_000);
afterAll(async () => {
  poster?.close();
  if (indexer && indexer.exitCode === null) {
    indexer.kill('SIGTERM');
    await once(indexer, 'exit');
  }
  await network?.close();
});

describe('the indexer commands', () => {
  it('lists jobs through the indexer, and warns about the RPC scan without one', async () => {
    const posted = await poster.jobs.post({
      definition: {
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'a', args: { image: 'busybox:1.35', cmd: 'true' } }],
      },
      market: 'gpu',
      timeout: 60,
    });
    const job = posted.job.toBase58();
    let listed: Ok<JobListResult> | undefined;
    // The indexer follows the chain asynchronously: ask until it has the job (a condition, bounded).
    for (let i = 0; i < 100 && !listed?.result.jobs.some((j) => j.address === job); i++) {
      listed = (
        await runCli(['job', 'list', '--indexer', url, '--market', 'gpu', '--json'], {
          env: { NOSANA_NETWORK: 'localnet', NOSANA_RPC: network.localnet.rpcUrl },
        })
      ).json<Ok<JobListResult>>();
    }
    expect(listed!.result.jobs).toEqual([
      expect.objectContaining({ address: job, state: 'QUEUED', definition: posted.definition }),
    ]);
    expect(listed!.warnings).toEqual([]);

    const scanned = (
      await runCli(['job', 'list', '--json'], {
        env: { NOSANA_NETWORK: 'localnet', NOSANA_RPC: network.localnet.rpcUrl },
      })
    ).json<Ok<JobListResult>>();
    expect(scanned.result.jobs.map((j) => j.address)).toEqual([job]);
    expect(scanned.warnings.join()).toContain('getProgramAccounts');

    const explained = await runCli(['job', 'explain', job, '--indexer', url, '--json']);
    expect(explained.json<Ok<JobExplainResult>>().result).toMatchObject({
      reason: 'NO_NODES',
      position: 1,
      queueLength: 1,
    });
  });

  it('fails clearly when no indexer answers or the job is unknown', async () => {
    const down = await runCli([
      'job',
      'explain',
      '11111111111111111111111111111111',
      '--indexer',
      'http://127.0.0.1:1',
      '--json',
    ]);
    expect(down.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'INDEXER__API_FAILED',
      message: expect.stringContaining('nosana indexer start'),
    });
    const unknown = await runCli([
      'job',
      'explain',
      '11111111111111111111111111111111',
      '--indexer',
      url,
      '--json',
    ]);
    expect(unknown.json<{ error: { message: string } }>().error.message).toContain('404');
    expect(down.code).not.toBe(0);
  });

  it('stops cleanly on SIGTERM', async () => {
    indexer.kill('SIGTERM');
    const [code] = await once(indexer, 'exit');
    expect(code).toBe(0);
  });
});
