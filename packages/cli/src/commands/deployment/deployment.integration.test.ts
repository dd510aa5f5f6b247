/**
 * The deployment commands through the built binary, against a localnet in this process, two `nosana node start`
 * processes running jobs in the real Docker engine, and `nosana deployment serve` as a child process that is
 * killed with SIGKILL at seeded random points.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNosanaClient, type NosanaClient } from '@nosana/chain';
import { connectEngine, seedBusyboxImage } from '@nosana/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliNode,
  freePort,
  startCliNode,
  startTestNetwork,
  type TestNetwork,
} from '../../../test/network.js';
import { CLI, REPO, runCli } from '../../../test/run-cli.js';
import type { DeploymentCreateResult } from './create.js';
import type { DeploymentEventsResult } from './events.js';
import type { DeploymentGetResult } from './get.js';
import type { DeploymentLogsResult } from './logs.js';

const NOS = 1_000_000n;
const webService = join(REPO, 'examples', 'web-service.json');

type Ok<T> = { status: 'ok'; result: T };
type Failed = { status: 'error'; error: { code: string; message: string } };

let network: TestNetwork;
let nodes: CliNode[] = [];
let owner: { env: NodeJS.ProcessEnv; address: string };
let client: NosanaClient;
let docker: Awaited<ReturnType<typeof connectEngine>>['docker'];
let db: string;

beforeAll(async () => {
  ({ docker } = await connectEngine());
  await seedBusyboxImage({ docker });
  network = await startTestNetwork();
  const wallet = network.wallet(100n * NOS);
  db = join(network.dir, 'deployments.db');
  owner = {
    env: { ...network.env(wallet.path), NOSANA_DEPLOYMENTS_DB: db },
    address: wallet.key.publicKey.toBase58(),
  };
  client = createNosanaClient({ network: 'localnet', rpcUrl: network.localnet.rpcUrl });
  nodes = await Promise.all(
    [0, 1].map((i) => startCliNode(network.env(network.wallet().path), join(network.dir, `node-${i}`))),
  );
}, 180_000);
afterAll(async () => {
  for (const node of nodes) expect(await node.stop()).toBe(0);
  client?.close();
  await network?.close();
});

/** `nosana deployment serve` as a child process; resolves once its API answers. */
async function serve(): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [CLI, 'deployment', 'serve', '--api-port', String(port), '--interval', '1'],
    { env: { ...process.env, NO_COLOR: '1', ...owner.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await expect.poll(() => output, { timeout: 30_000, interval: 100 }).toMatch(/API http:/);
  return { child, url: `http://127.0.0.1:${port}`, exited };
}

const get = async (id: string, manager: string) => {
  const run = await runCli(['deployment', 'get', id, '--manager', manager, '--json'], { env: owner.env });
  expect(run.code, run.stderr).toBe(0);
  return run.json<Ok<DeploymentGetResult>>().result;
};
const running = (view: DeploymentGetResult) => view.jobs.filter((j) => j.state === 'RUNNING');
const openOnChain = async () =>
  (await client.jobs.list({ project: owner.address })).filter(
    (j) => j.state === 'QUEUED' || j.state === 'RUNNING',
  );

describe('nosana deployment', () => {
  it('rejects bad input with a clear error before anything is sent', async () => {
    const cases: Array<[string[], string]> = [
      [['--budget', '5', '--market', 'tpu'], 'CHAIN__MARKET_NOT_FOUND'],
      [['--budget', '5', '--strategy', 'scheduled', '--schedule', '61 * * * *'], 'DEPLOY__INVALID_SCHEDULE'],
      [['--budget', '5', '--replicas', '0'], 'DEPLOY__INVALID_PARAMETER'],
      [['--budget', '0.001'], 'DEPLOY__BUDGET_TOO_LOW'],
    ];
    for (const [flags, code] of cases) {
      const run = await runCli(
        ['deployment', 'create', '-f', webService, '--timeout', '10m', ...flags, '--json'],
        { env: owner.env },
      );
      expect(run.code, `${flags.join(' ')}: ${run.stdout}`).toBe(1);
      expect(run.json<Failed>().error.code).toBe(code);
    }
    const invalid = await runCli(
      ['deployment', 'create', '-f', join(REPO, 'package.json'), '--budget', '5', '--json'],
      {
        env: owner.env,
      },
    );
    expect(invalid.code).toBe(1);
    expect(invalid.json<Failed>().error.code).toBe('CORE__JOB_DEFINITION_INVALID');
    expect(await client.jobs.list({ project: owner.address })).toEqual([]);
  }, 120_000);

  it('keeps 2 replicas of web-service.json: a killed container is replaced, kill -9 of the manager never duplicates nor loses a job', async () => {
    const created = await runCli(
      [
        'deployment',
        'create',
        '-f',
        webService,
        '--replicas',
        '2',
        '--strategy',
        'simple-extend',
        '--timeout',
        '10m',
        '--budget',
        '20',
        '--wait',
        '--json',
      ],
      { env: owner.env },
    );
    expect(created.code, created.stdout + created.stderr).toBe(0);
    const { id } = created.json<Ok<DeploymentCreateResult>>().result;
    expect(await openOnChain()).toHaveLength(2);

    let manager = await serve();
    const first = running(await get(id, manager.url));
    expect(first).toHaveLength(2);

    // Kill one replica's container: the node finishes the job early, the manager lists a replacement.
    const victim = first[0]!.address;
    const [container] = await docker.listContainers({ filters: { label: [`org.nosana.job=${victim}`] } });
    expect(container).toBeDefined();
    await docker.getContainer(container!.Id).kill();
    await expect
      .poll(
        async () => {
          const view = await get(id, manager.url);
          return running(view).filter((j) => j.address !== victim).length;
        },
        { timeout: 90_000, interval: 1000 },
      )
      .toBe(2);

    // SIGKILL the manager at seeded random points while it scales up and down.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const replicas of [3, 2, 3]) {
      const scaled = await runCli(
        ['deployment', 'scale', id, String(replicas), '--manager', manager.url, '--json'],
        { env: owner.env },
      );
      expect(scaled.code, scaled.stdout).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1500)));
      manager.child.kill('SIGKILL');
      await manager.exited;
      manager = await serve();
    }
    // The last restart settles whatever was in flight; the deployment converges on 3 replicas.
    await expect.poll(async () => (await openOnChain()).length, { timeout: 60_000, interval: 1000 }).toBe(3);
    const view = await get(id, manager.url);
    const known = new Set(view.jobs.map((j) => j.address));
    const onChain = await client.jobs.list({ project: owner.address });
    // Nothing lost: every job the wallet listed is one the manager knows; nothing duplicated: open = replicas.
    for (const job of onChain) expect(known.has(job.address.toBase58()), job.address.toBase58()).toBe(true);
    expect(view.jobs.filter((j) => j.state === 'QUEUED' || j.state === 'RUNNING')).toHaveLength(3);

    const stopped = await runCli(['deployment', 'stop', id, '--manager', manager.url, '--json'], {
      env: owner.env,
    });
    expect(stopped.code).toBe(0);
    await expect.poll(async () => (await openOnChain()).length, { timeout: 60_000, interval: 1000 }).toBe(0);
    manager.child.kill('SIGTERM');
    expect(await manager.exited).toBe(0);
  }, 300_000);

  it('update rolls to a new revision; events, logs, stop, start and archive through the CLI', async () => {
    const cli = async <T>(args: string[]) => {
      const run = await runCli(['deployment', ...args, '--json'], { env: owner.env });
      expect(run.code, `${args.join(' ')}: ${run.stdout}${run.stderr}`).toBe(0);
      return run.json<Ok<T>>().result;
    };
    const { id } = await cli<DeploymentCreateResult>([
      'create',
      '-f',
      webService,
      '--strategy',
      'simple-extend',
      '--timeout',
      '10m',
      '--budget',
      '10',
      '--wait',
    ]);
    const manager = await serve();
    const m = ['--manager', manager.url];
    const [original] = running(await get(id, manager.url));
    expect(original).toMatchObject({ revision: 1 });

    // update: revision 2 is listed, and replaces revision 1 once it runs.
    const next = join(network.dir, 'web-service-2.json');
    writeFileSync(
      next,
      readFileSync(webService, 'utf8').replace('Hello from a Nosana service', 'Hello, revision 2'),
    );
    expect(await cli<{ activeRevision: number }>(['update', id, '-f', next, ...m])).toMatchObject({
      activeRevision: 2,
    });
    await expect
      .poll(async () => running(await get(id, manager.url)).map((j) => j.revision), {
        timeout: 120_000,
        interval: 1000,
      })
      .toEqual([2]);

    // events: what the manager did, in order, with the jobs it concerns.
    const events = await cli<DeploymentEventsResult>(['events', id, ...m]);
    const types = events.map((e) => e.type);
    expect(types).toContain('revision');
    expect(events.filter((e) => e.type === 'list').length).toBeGreaterThanOrEqual(2);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    const after = await cli<DeploymentEventsResult>([
      'events',
      id,
      '--after',
      String(events.at(-2)!.id),
      ...m,
    ]);
    expect(after.map((e) => e.id)).toEqual([events.at(-1)!.id]);

    // logs: the newest running replica by default; a job that is not a replica is refused.
    const [current] = running(await get(id, manager.url));
    expect(await cli<DeploymentLogsResult>(['logs', id, ...m])).toEqual({
      deployment: id,
      job: current!.address,
    });
    const stranger = await runCli(['deployment', 'logs', id, '--job', owner.address, ...m, '--json'], {
      env: owner.env,
    });
    expect(stranger.code).toBe(1);
    expect(stranger.stdout).toContain('is not a replica');

    // stop → start lists anew → stop → archive (read-only afterwards).
    await cli(['stop', id, ...m]);
    await expect.poll(async () => (await openOnChain()).length, { timeout: 60_000, interval: 1000 }).toBe(0);
    await cli(['start', id, ...m]);
    await expect.poll(async () => (await openOnChain()).length, { timeout: 60_000, interval: 1000 }).toBe(1);
    await cli(['stop', id, ...m]);
    await expect.poll(async () => (await openOnChain()).length, { timeout: 60_000, interval: 1000 }).toBe(0);
    await expect
      .poll(async () => (await get(id, manager.url)).deployment.status, { timeout: 60_000, interval: 1000 })
      .toBe('STOPPED');
    expect(await cli<{ status: string }>(['archive', id, ...m])).toMatchObject({ status: 'ARCHIVED' });
    const restart = await runCli(['deployment', 'start', id, ...m, '--json'], { env: owner.env });
    expect(restart.code).not.toBe(0);
    expect(restart.stdout).toContain('archived');
    expect(await openOnChain()).toHaveLength(0);
    manager.child.kill('SIGTERM');
    expect(await manager.exited).toBe(0);
  }, 360_000);
});
