import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NosanaClient } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { createLocalnetActors, type LocalnetActors } from '@nosana/localnet/testing';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnManager } from '../test/spawn-manager.js';
import { createDeploymentApiClient } from './api-client.js';
import { openStore } from './store.js';

const NOS = 1_000_000n;
const RUNS = 20;
let localnet: Localnet;
let actors: LocalnetActors;
let dir: string;

beforeAll(async () => {
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  actors = createLocalnetActors(localnet);
  dir = mkdtempSync(join(tmpdir(), 'nosana-manager-crash-'));
}, 60_000);
afterAll(async () => {
  actors?.close();
  await localnet?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Starts the manager process on `db`; resolves once its API serves. */
async function startManager(walletPath: string, db: string) {
  const manager = spawnManager({
    rpcUrl: localnet.rpcUrl,
    wsUrl: localnet.wsUrl,
    ipfsApiUrl: localnet.ipfsApiUrl,
    walletPath,
    db,
    intervalMs: 200,
  });
  return { child: manager.child, url: await manager.ready, exited: manager.exited };
}

const openJobs = async (client: NosanaClient, owner: string) =>
  (await client.jobs.list({ project: owner })).filter((j) => j.state === 'QUEUED' || j.state === 'RUNNING');

describe('manager: kill -9 at random points (localnet, own process)', () => {
  it(`never lists twice nor loses a job across ${RUNS} SIGKILLs`, async () => {
    const key = Keypair.generate();
    const client = actors.actor(1000n * NOS, key);
    const owner = key.publicKey.toBase58();
    const walletPath = join(dir, 'wallet.json');
    writeFileSync(walletPath, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
    const db = join(dir, 'deployments.db');
    let manager = await startManager(walletPath, db);
    let api = createDeploymentApiClient({ url: manager.url, wallet: key });
    const { id } = await api.request<{ id: string }>('POST', '/api/deployments', {
      definition: {
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'worker', args: { image: 'busybox:1.36', cmd: ['true'] } }],
      },
      market: 'cpu',
      replicas: 2,
      strategy: 'SIMPLE-EXTEND',
      timeout: 600,
      budget: (500n * NOS).toString(),
    });

    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let replicas = 2;
    for (let run = 0; run < RUNS; run++) {
      replicas = 1 + Math.floor(random() * 4);
      await api.request('PATCH', `/api/deployments/${id}/replicas`, { replicas });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1200)));
      manager.child.kill('SIGKILL');
      await manager.exited;
      manager = await startManager(walletPath, db);
      api = createDeploymentApiClient({ url: manager.url, wallet: key });
    }

    // The last manager settles whatever was in flight and converges on the replicas asked for.
    const settled = async () => {
      const view = await api.request<{ jobs: Array<{ state: string }> }>('GET', `/api/deployments/${id}`);
      const seen = view.jobs.filter((j) => j.state === 'QUEUED' || j.state === 'RUNNING').length;
      return { onChain: (await openJobs(client, owner)).length, seen };
    };
    await expect
      .poll(settled, { timeout: 60_000, interval: 500 })
      .toEqual({ onChain: replicas, seen: replicas });
    manager.child.kill('SIGTERM');
    await manager.exited;

    const store = openStore(db);
    try {
      const known = new Map(store.jobs(id).map((j) => [j.address, j]));
      const onChain = await client.jobs.list({ project: owner });
      // Nothing listed behind the manager's back or twice: every job on chain is one it recorded.
      for (const job of onChain) expect(known.has(job.address.toBase58()), job.address.toBase58()).toBe(true);
      // Nothing lost: no intent left pending, and the open jobs it knows are exactly those on chain.
      expect(store.pendingIntents()).toEqual([]);
      const open = (await openJobs(client, owner)).map((j) => j.address.toBase58()).sort();
      const knownOpen = [...known.values()]
        .filter((j) => j.state === 'QUEUED' || j.state === 'RUNNING')
        .map((j) => j.address)
        .sort();
      expect(knownOpen).toEqual(open);
      expect(open).toHaveLength(replicas);
    } finally {
      store.close();
    }
  }, 1_200_000);
});
