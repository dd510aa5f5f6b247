/**
 * `job post --replicas-verify` on a localnet with two nodes (startHostNode, the real Docker engine) in this process:
 * each replica is assigned to a different queued node; a deterministic job's replicas agree, a job that prints its
 * own address (different in every replica) makes them disagree, with exit 2 and where they differ.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostNode } from '@nosana/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import type { JobPostResult } from './post.js';

const NOS = 1_000_000n;

let network: TestNetwork;
let hosts: HostNode[];
let poster: NodeJS.ProcessEnv;
beforeAll(async () => {
  network = await startTestNetwork();
  poster = network.env(network.wallet(100n * NOS).path);
  hosts = [await network.host(), await network.host()];
}, 180_000);
afterAll(async () => {
  await network?.close();
});

const job = (cmd: string) => ({
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'main', args: { image: 'busybox:1.35', cmd: ['sh', '-c', cmd] } }],
});

describe('nosana job post --replicas-verify', () => {
  it('runs the replicas on distinct queued nodes and finds that a deterministic job’s results agree', async () => {
    const file = join(network.dir, 'deterministic.json');
    writeFileSync(file, JSON.stringify(job('echo 6x7=$((6*7)); echo done')));
    const run = await runCommand(['job', 'post', '-f', file, '--replicas-verify', '2', '--json'], {
      env: poster,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const { replicas } = run.json<{ result: JobPostResult }>().result;
    expect(replicas).toMatchObject({ agree: true, independent: true, differences: [] });
    expect(new Set(replicas!.replicas.map((r) => r.node))).toEqual(new Set(hosts.map((h) => h.address)));
    expect(
      replicas!.replicas.every((r) => r.status === 'success' && r.digest === replicas!.replicas[0]!.digest),
    ).toBe(true);
  }, 180_000);

  it('reports replicas that disagree with exit 2, CLI__REPLICAS_DISAGREE and the differing line', async () => {
    const file = join(network.dir, 'per-job.json');
    writeFileSync(file, JSON.stringify(job('echo same; echo %%globals.job%%')));
    const run = await runCommand(['job', 'post', '-f', file, '--replicas-verify', '2', '--json'], {
      env: poster,
    });
    expect(run.code).toBe(2);
    const { error } = run.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('CLI__REPLICAS_DISAGREE');
    expect(error.message).toMatch(/op main: logs differ at line 2/);
  }, 180_000);

  it('refuses --replicas-verify with --confidential before anything is sent', async () => {
    const file = join(network.dir, 'refused.json');
    writeFileSync(file, JSON.stringify(job('true')));
    const run = await runCommand(['job', 'post', '-f', file, '--replicas-verify', '2', '--confidential'], {
      env: poster,
    });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(
      /--confidential.*cannot also be provided|cannot also be provided.*--replicas-verify/s,
    );
  });
});
