/**
 * The job commands, run in this process from the sources, against a localnet in this process and a `nosana node
 * start` process (the built binary) running jobs in the real Docker engine.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectEngine, seedBusyboxImage } from '@nosana/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliNode, startCliNode, startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { REPO } from '../../../test/run-cli.js';
import { runCommand } from '../../../test/run-command.js';
import type { JobGetResult } from './get.js';
import type { JobListResult } from './list.js';
import type { JobLogsResult } from './logs.js';
import type { JobPostResult } from './post.js';

const NOS = 1_000_000n;
const hello = join(REPO, 'examples', 'hello-world.json');

let network: TestNetwork;
let node: CliNode;
let poster: { path: string; env: NodeJS.ProcessEnv };
beforeAll(async () => {
  const { docker } = await connectEngine();
  await seedBusyboxImage({ docker });
  network = await startTestNetwork();
  const wallet = network.wallet(100n * NOS);
  poster = { path: wallet.path, env: network.env(wallet.path) };
  node = await startCliNode(network.env(network.wallet().path), join(network.dir, 'node'));
}, 120_000);
afterAll(async () => {
  const code = await node?.stop();
  expect(code).toBe(0);
  await network?.close();
});

type Ok<T> = { status: 'ok'; result: T; warnings: string[] };
type Failed = {
  status: 'error';
  error: { code: string; message: string };
  errors?: Array<{ path: string; message: string }>;
};
const myJobs = async () =>
  (await runCommand(['job', 'list', '--mine', '--json'], { env: poster.env })).json<Ok<JobListResult>>()
    .result.jobs;
const nos = async () =>
  (await runCommand(['wallet', 'balance', '--json'], { env: poster.env })).json<Ok<{ nos: string }>>().result
    .nos;

describe('nosana job post', () => {
  it('posts hello-world, waits, streams its logs, prints the result and downloads it', async () => {
    const download = join(network.dir, 'results');
    const run = await runCommand(
      ['job', 'post', '--file', hello, '--wait', '--download', download, '--node-api', node.api, '--json'],
      { env: poster.env },
    );
    expect(run.code, run.stderr).toBe(0);
    const { result } = run.json<Ok<JobPostResult>>();
    expect(result).toMatchObject({
      market: expect.any(String),
      deposit: String(100n * 3600n),
      timeout: 3600,
      dryRun: false,
    });
    expect(result.final).toMatchObject({ state: 'COMPLETED', status: 'success', node: expect.any(String) });
    const folder = join(download, result.job);
    expect(readFileSync(join(folder, 'hello-world.log'), 'utf8')).toContain('Hello from the Nosana Network!');
    expect(JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8')).status).toBe('success');
    expect(JSON.parse(readFileSync(join(folder, 'job-definition.json'), 'utf8')).ops[0].id).toBe(
      'hello-world',
    );

    const human = await runCommand(['job', 'post', '-f', hello, '--wait', '--node-api', node.api], {
      env: poster.env,
    });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('price:   0.0001 NOS/s (0.36 NOS/h)');
    expect(human.stdout).toContain('Hello from the Nosana Network!');
    expect(human.stdout).toMatch(/state:\s+COMPLETED/);
    expect(human.stdout).toContain('greeting: Hello from the Nosana Network!');
  }, 120_000);

  it('runs a command in an image; a failing job exits 2', async () => {
    const ok = await runCommand(
      [
        'job',
        'post',
        '--image',
        'busybox:1.35',
        '--timeout',
        '2m',
        '--wait',
        '--',
        'sh',
        '-c',
        'echo from-a-command',
      ],
      { env: poster.env },
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('from-a-command');
    const failed = await runCommand(
      ['job', 'post', '--image', 'busybox:1.35', '--wait', '--json', '--', 'sh', '-c', 'echo oops; exit 3'],
      { env: poster.env },
    );
    expect(failed.code).toBe(2);
    expect(failed.json<Failed>().error.code).toBe('CLI__JOB_FAILED');
    // The failure envelope still carries what a script needs: the job, its state, result CID and the result.
    expect(failed.json<{ result: JobPostResult }>().result).toMatchObject({
      job: expect.any(String),
      final: {
        state: 'COMPLETED',
        result: expect.stringMatching(/^Qm/),
        status: 'failed',
        flow: { status: 'failed' },
      },
    });
  }, 120_000);

  it('bad input costs nothing: no upload, no transaction, exit 1 with every problem', async () => {
    const before = { jobs: (await myJobs()).length, nos: await nos() };
    const invalid = join(network.dir, 'invalid.json');
    writeFileSync(
      invalid,
      JSON.stringify({
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'a b', args: {} }],
      }),
    );
    const bad = await runCommand(['job', 'post', '-f', invalid, '--json'], { env: poster.env });
    expect(bad.code).toBe(1);
    const failure = bad.json<Failed>();
    expect(failure.error.code).toBe('CORE__JOB_DEFINITION_INVALID');
    expect(failure.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['ops[0].args.image', 'ops[0].id']),
    );

    const timeout = await runCommand(['job', 'post', '-f', hello, '--timeout', 'forever', '--json'], {
      env: poster.env,
    });
    expect(timeout.code).toBe(1);
    expect(timeout.json<Failed>().error.code).toBe('CLI__INVALID_FLAG');
    const nothing = await runCommand(['job', 'post', '--json'], { env: poster.env });
    expect(nothing.code).toBe(1);
    expect(nothing.json<Failed>().error.message).toContain('--file');
    const missing = await runCommand(['job', 'post', '-f', join(network.dir, 'nope.json'), '--json'], {
      env: poster.env,
    });
    expect(missing.json<Failed>().error.code).toBe('CLI__FILE_UNREADABLE');

    const broke = network.wallet(0n);
    const poor = await runCommand(['job', 'post', '-f', hello, '--json'], { env: network.env(broke.path) });
    expect(poor.code).toBe(1);
    expect(poor.json<Failed>().error.code).toBe('CHAIN__INSUFFICIENT_NOS');
    const client = network.client();
    expect(await client.jobs.list({ project: broke.key.publicKey })).toEqual([]);
    client.close();

    const dry = await runCommand(['job', 'post', '-f', hello, '--dry-run', '--json'], { env: poster.env });
    expect(dry.code).toBe(0);
    expect(dry.json<Ok<JobPostResult>>().result).toMatchObject({
      dryRun: true,
      job: '',
      deposit: '360000',
      definition: expect.stringMatching(/^Qm/),
    });
    expect({ jobs: (await myJobs()).length, nos: await nos() }).toEqual(before);
  }, 60_000);
});

describe('nosana job get / list / logs / extend / stop / download', () => {
  it('follows a long job: live logs from its node, more time, stop, then its partial result', async () => {
    const posted = await runCommand(
      [
        'job',
        'post',
        '--image',
        'busybox:1.35',
        '--timeout',
        '5m',
        '--json',
        '--',
        'sh',
        '-c',
        'echo started; sleep 300',
      ],
      { env: poster.env },
    );
    const job = posted.json<Ok<JobPostResult>>().result.job;
    await expect
      .poll(
        async () =>
          (await runCommand(['job', 'get', job, '--json'], { env: poster.env })).json<Ok<JobGetResult>>()
            .result.state,
        { timeout: 30_000, interval: 500 },
      )
      .toBe('RUNNING');
    await expect
      .poll(
        async () =>
          (await runCommand(['job', 'logs', job, '--node-api', node.api, '--json'], { env: poster.env }))
            .json<Ok<JobLogsResult>>()
            .result.logs.map((l) => l.log),
        { timeout: 30_000, interval: 500 },
      )
      .toContain('started');

    const stranger = network.wallet();
    const refused = await runCommand(['job', 'logs', job, '--node-api', node.api, '--json'], {
      env: network.env(stranger.path),
    });
    expect(refused.code).toBe(1);
    expect(refused.json<Failed>().error).toMatchObject({
      code: 'CLI__NODE_REFUSED',
      message: expect.stringContaining('401'),
    });

    const extended = await runCommand(['job', 'extend', job, '--timeout', '+10m', '--json'], {
      env: poster.env,
    });
    expect(extended.json<Ok<{ timeout: number; added: string }>>().result).toMatchObject({
      timeout: 900,
      added: '60000',
    });
    const running = (
      await runCommand(['job', 'list', '--mine', '--state', 'RUNNING', '--json'], { env: poster.env })
    ).json<Ok<JobListResult>>().result.jobs;
    expect(running.map((j) => j.address)).toContain(job);

    const stop = await runCommand(['job', 'stop', job, '--json'], { env: poster.env });
    expect(stop.json<Ok<{ action: string }>>().result.action).toBe('end');
    const done = await runCommand(['job', 'get', job, '--wait', '--logs'], { env: poster.env });
    expect(done.code).toBe(2); // it was stopped: --wait exits 2, after printing everything
    expect(done.stdout).toMatch(/state:\s+COMPLETED/);
    expect(done.stdout).toContain('started');
    expect(done.stdout).toMatch(/status: stopped/);

    const again = await runCommand(['job', 'stop', job, '--json'], { env: poster.env });
    expect(again.code).toBe(1);
    expect(again.json<Failed>().error.code).toBe('CHAIN__JOB_STATE');
    const files = (
      await runCommand(['job', 'download', job, join(network.dir, 'dl'), '--json'], { env: poster.env })
    ).json<Ok<{ files: string[] }>>().result.files;
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual([
      'job-definition.json',
      'result.json',
      'run.log',
    ]);
    expect(files.every((f) => existsSync(f))).toBe(true);
  }, 120_000);

  it('node status shows the serving node; a second node on its state directory is refused (exit 1)', async () => {
    const status = await runCommand(['node', 'status', '--api', node.api, '--json']);
    expect(status.code).toBe(0);
    expect(status.json<Ok<{ state: string; market: string | null }>>().result).toMatchObject({
      state: 'queued',
      market: expect.any(String),
    });
    const second = await runCommand(
      [
        'node',
        'start',
        '--market',
        'cpu',
        '--state-dir',
        join(network.dir, 'node'),
        '--api-port',
        '0',
        '--json',
      ],
      { env: network.env(network.wallet().path) },
    );
    expect(second.code).toBe(1);
    expect(second.json<Failed>().error.code).toBe('NODE__ALREADY_RUNNING');
  }, 60_000);

  it('an unknown job is exit 1; a malformed address too', async () => {
    const unknown = await runCommand(['job', 'get', '11111111111111111111111111111112', '--json'], {
      env: poster.env,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.json<Failed>().error.code).toBe('CHAIN__JOB_NOT_FOUND');
    const malformed = await runCommand(['job', 'get', 'not-an-address', '--json'], { env: poster.env });
    expect(malformed.code).toBe(1);
  });

  it('recover gets the deposit of a job its node gave up', async () => {
    // A host (in this process) waits in the gpu market, is matched, and quits.
    const host = network.wallet();
    const hostClient = network.client(host.key);
    try {
      await hostClient.host.prepare();
      const notQueued = await runCommand(
        ['job', 'post', '-f', hello, '--market', 'gpu', '--host', host.key.publicKey.toBase58(), '--json'],
        { env: poster.env },
      );
      expect(notQueued.code).toBe(1);
      expect(notQueued.json<Failed>().error.message).toContain('is not waiting in the queue of market gpu');
      await hostClient.host.work('gpu');
      const before = BigInt(await nos());
      const posted = (
        await runCommand(['job', 'post', '-f', hello, '--market', 'gpu', '--timeout', '10m', '--json'], {
          env: poster.env,
        })
      ).json<Ok<JobPostResult>>().result;
      expect(posted.matched).toBe(true);
      const early = await runCommand(['job', 'recover', posted.job, '--json'], { env: poster.env });
      expect(early.code).toBe(1);
      expect(early.json<Failed>().error).toMatchObject({
        code: 'CLI__JOB_WRONG_STATE',
        message: expect.stringContaining(
          'is RUNNING: recover only returns the deposit of a job its node gave up',
        ),
      });
      const [run] = await hostClient.host.runs();
      await hostClient.host.quit(run!);
      const stopped = await runCommand(['job', 'get', posted.job, '--json'], { env: poster.env });
      expect(stopped.json<Ok<JobGetResult>>().result.state).toBe('STOPPED');
      const waited = await runCommand(['job', 'get', posted.job, '--wait', '--json'], { env: poster.env });
      expect(waited.code).toBe(2);
      expect(waited.json<{ result: JobGetResult }>().result.state).toBe('STOPPED');
      const recover = await runCommand(['job', 'recover', posted.job, '--json'], { env: poster.env });
      expect(recover.code, recover.stdout).toBe(0);
      expect(BigInt(await nos())).toBe(before);
    } finally {
      hostClient.close();
    }
  }, 60_000);
});
