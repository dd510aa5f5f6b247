/** `nosana node run/status/prune` and `node start`'s input checks, through the built binary on the real Docker engine. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowState } from '@nosana/core';
import { connectEngine, LABELS, seedBusyboxImage } from '@nosana/runtime';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/network.js';
import { REPO, runCli } from '../../../test/run-cli.js';
import type { NodePruneResult } from './prune.js';

type Ok<T> = { status: 'ok'; result: T };
type Failed = { status: 'error'; error: { code: string; message: string } };

const dir = mkdtempSync(join(tmpdir(), 'nosana-cli-node-'));
let engine: Awaited<ReturnType<typeof connectEngine>>;
const nodeRunContainers = async () =>
  (await engine.engine.listContainers({ [LABELS.scope]: 'node-run' })).length;

beforeAll(async () => {
  engine = await connectEngine();
  await seedBusyboxImage({ docker: engine.docker });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nosana node run', () => {
  it('runs a job definition locally and prints its logs and result', async () => {
    const run = await runCli(['node', 'run', join(REPO, 'examples', 'hello-world.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Hello from the Nosana Network!');
    expect(run.stdout).toMatch(/status: success/);
    expect(await nodeRunContainers()).toBe(0);
  }, 60_000);

  it('runs a multi-op flow with a shared volume and literals (--json is the flow state a node would post)', async () => {
    const run = await runCli(['node', 'run', join(REPO, 'examples', 'multi-op-volume.json'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const flow = run.json<Ok<FlowState>>().result;
    expect(flow.status).toBe('success');
    expect(flow.opStates.map((op) => op.status)).toEqual(flow.opStates.map(() => 'success'));
    const sum = flow.opStates.find((op) => op.operationId === 'sum');
    expect(sum?.logs.map((l) => l.log)).toContain('expecting 5 lines');
    expect(sum?.results?.sum).toEqual(['15']);
    expect(await nodeRunContainers()).toBe(0);
  }, 120_000);

  it('a failing flow exits 2; an invalid definition exits 1 without creating a container', async () => {
    const failing = join(dir, 'failing.json');
    writeFileSync(
      failing,
      JSON.stringify({
        version: '0.1',
        type: 'container',
        ops: [
          { type: 'container/run', id: 'x', args: { image: 'busybox:1.35', cmd: ['sh', '-c', 'exit 4'] } },
        ],
      }),
    );
    const failed = await runCli(['node', 'run', failing, '--json']);
    expect(failed.code).toBe(2);
    expect(failed.json<Failed>().error.code).toBe('CLI__JOB_FAILED');

    const invalid = join(dir, 'invalid.json');
    writeFileSync(
      invalid,
      JSON.stringify({
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'x', args: { cmd: 'true' } }],
      }),
    );
    const bad = await runCli(['node', 'run', invalid]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ops[0].args.image');
    expect(await nodeRunContainers()).toBe(0);
  }, 60_000);
});

describe('nosana node status / prune / start', () => {
  it('status says clearly when no node answers (exit 3)', async () => {
    const status = await runCli([
      'node',
      'status',
      '--api',
      `http://127.0.0.1:${await freePort()}`,
      '--json',
    ]);
    expect(status.code).toBe(3);
    expect(status.json<Failed>().error).toMatchObject({
      code: 'CLI__NODE_UNREACHABLE',
      message: expect.stringContaining('nosana node start'),
    });
  });

  it('prune removes what a node of this wallet left behind, and nothing else', async () => {
    const key = Keypair.generate();
    const wallet = join(dir, 'host.json');
    writeFileSync(wallet, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
    const scope = key.publicKey.toBase58();
    const labels = { [LABELS.managed]: 'true', [LABELS.scope]: scope, [LABELS.job]: 'stray-job' };
    const stray = await engine.docker.createContainer({
      Image: 'busybox:1.35',
      Cmd: ['sleep', '300'],
      Labels: labels,
    });
    await stray.start();
    const other = await engine.docker.createContainer({
      Image: 'busybox:1.35',
      Cmd: ['sleep', '300'],
      Labels: { ...labels, [LABELS.scope]: 'someone-else' },
    });
    try {
      const prune = await runCli(['node', 'prune', '--state-dir', join(dir, 'state'), '--json'], {
        env: { NOSANA_WALLET: wallet },
      });
      expect(prune.code, prune.stdout).toBe(0);
      expect(prune.json<Ok<NodePruneResult>>().result).toMatchObject({ scope, containers: 1 });
      expect(await engine.engine.listContainers({ [LABELS.scope]: scope })).toEqual([]);
      expect(await engine.engine.listContainers({ [LABELS.scope]: 'someone-else' })).toHaveLength(1);
    } finally {
      await other.remove({ force: true });
    }
  }, 60_000);

  it('start refuses a malformed --gpu before touching anything (exit 1)', async () => {
    const start = await runCli(['node', 'start', '--gpu', 'first', '--json'], {
      env: { NOSANA_WALLET: join(dir, 'never.json') },
    });
    expect(start.code).toBe(1);
    expect(start.json<Failed>().error.code).toBe('CLI__INVALID_FLAG');
  });
});
