/**
 * `nosana job list` (and `job explain`, `explorer`) find the localnet's indexer by themselves (announced in
 * `localnet_info`), while `--indexer` / `NOSANA_INDEXER_URL` still win and `--indexer none` scans over RPC. In process, against a localnet and an indexer
 * in this process.
 */
import { join } from 'node:path';
import type { NosanaClient } from '@nosana/chain';
import { type Indexer, startIndexer } from '@nosana/indexer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import type { JobExplainResult } from './explain.js';
import type { JobListResult } from './list.js';

type Ok<T> = { status: 'ok'; result: T; warnings: string[] };
const NOS = 1_000_000n;

let network: TestNetwork;
let poster: NosanaClient;
let indexer: Indexer;
let job: string;
/** This localnet; no indexer named by the environment. */
let env: Record<string, string | undefined>;

beforeAll(async () => {
  network = await startTestNetwork();
  const wallet = network.wallet(100n * NOS);
  poster = network.client(wallet.key);
  indexer = await startIndexer({
    rpcUrl: network.localnet.rpcUrl,
    wsUrl: network.localnet.wsUrl,
    dbPath: join(network.dir, 'indexer.db'),
    listen: 0,
    webRoot: null,
  });
  await indexer.ready;
  const posted = await poster.jobs.post({
    definition: {
      version: '0.1',
      type: 'container',
      ops: [{ type: 'container/run', id: 'a', args: { image: 'busybox:1.35', cmd: 'true' } }],
    },
    market: 'gpu',
    timeout: 60,
  });
  job = posted.job.toBase58();
  // The indexer follows the chain asynchronously: wait until its API has the job (a condition, bounded).
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { items } = (await (await fetch(`${indexer.url}/api/jobs?limit=5`)).json()) as {
      items: Array<{ address: string }>;
    };
    if (items.some((i) => i.address === job)) break;
    if (Date.now() > deadline) throw new Error('the indexer did not index the posted job in 20 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  env = { ...network.env(wallet.path), NOSANA_INDEXER_URL: undefined };
}, 120_000);
afterAll(async () => {
  poster?.close();
  await indexer?.close();
  await network?.close();
});

const list = async (args: string[] = [], extraEnv: Record<string, string | undefined> = {}) =>
  runCommand(['job', 'list', '--market', 'gpu', '--json', ...args], { env: { ...env, ...extraEnv } });

describe('job list and the localnet’s indexer', () => {
  it('scans over RPC, with a warning about its cost, while the localnet announces no indexer', async () => {
    const run = await list();
    const out = run.json<Ok<JobListResult>>();
    expect(out.result).toMatchObject({ indexer: null, jobs: [expect.objectContaining({ address: job })] });
    expect(out.warnings.join()).toContain('getProgramAccounts');
  });

  it('lists through the indexer the localnet announces, without a warning', async () => {
    network.localnet.announce({ indexer: indexer.url });
    const out = (await list()).json<Ok<JobListResult>>();
    expect(out.result).toMatchObject({
      indexer: indexer.url,
      jobs: [expect.objectContaining({ address: job, state: 'QUEUED' })],
    });
    expect(out.warnings).toEqual([]);
  });

  it('explains jobs and finds the explorer through the announced indexer too', async () => {
    const explained = await runCommand(['job', 'explain', job, '--json'], { env });
    expect(explained.json<Ok<JobExplainResult>>().result).toMatchObject({ job, reason: 'NO_NODES' });
    // This indexer serves no web app: the error names the indexer the command found.
    const explorer = await runCommand(['explorer', '--json'], { env });
    expect(explorer.json<{ error: { message: string } }>().error.message).toContain(indexer.url);
  });

  it('scans over RPC with --indexer none, without the warning', async () => {
    const out = (await list(['--indexer', 'none'])).json<Ok<JobListResult>>();
    expect(out.result).toMatchObject({ indexer: null, jobs: [expect.objectContaining({ address: job })] });
    expect(out.warnings).toEqual([]);
  });

  it('uses the indexer the user names over the announced one, and fails when it does not answer', async () => {
    const named = await list([], { NOSANA_INDEXER_URL: 'http://127.0.0.1:1' });
    expect(named.code).toBe(3);
    expect(named.json<{ error: { code: string } }>().error.code).toBe('INDEXER__API_FAILED');
    const flag = await list(['--indexer', 'http://127.0.0.1:1']);
    expect(flag.code).toBe(3);
  });

  it('falls back to the RPC scan, saying why, when the announced indexer does not answer', async () => {
    network.localnet.announce({ indexer: 'http://127.0.0.1:1' });
    const out = (await list()).json<Ok<JobListResult>>();
    expect(out.result).toMatchObject({ indexer: null, jobs: [expect.objectContaining({ address: job })] });
    expect(out.warnings.join()).toContain('did not answer');
  });
});
