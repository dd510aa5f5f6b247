import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { decodeJobAccount, isAccountOf, PROGRAM_ADDRESSES } from '@nosana/chain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  definition,
  getJson,
  NOS,
  rpcScan,
  startTestNetwork,
  type TestNetwork,
  until,
} from '../test/network.js';
import { openStore } from './store.js';

const JOBS = PROGRAM_ADDRESSES.mainnet.jobs;
const here = dirname(fileURLToPath(import.meta.url));
let net: TestNetwork;
let dir: string;
const children: ChildProcessByStdio<null, Readable, null>[] = [];

/** Starts the indexer process; resolves with it and its URL once it has backfilled. */
async function spawnIndexer(
  dbPath: string,
): Promise<{ child: ChildProcessByStdio<null, Readable, null>; url: string }> {
  const config = JSON.stringify({ rpcUrl: net.localnet.rpcUrl, wsUrl: net.localnet.wsUrl, dbPath });
  const child = spawn(
    process.execPath,
    [
      '--conditions=@nosana/source',
      '--import',
      'tsx',
      join(here, '..', 'test', 'indexer-process.ts'),
      config,
    ],
    { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nosana-indexer-restart-'));
  net = await startTestNetwork();
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await net?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('an indexer killed with SIGKILL mid-stream', () => {
  it('resumes without missing or duplicated rows (compared with a full RPC scan)', async () => {
    const dbPath = join(dir, 'indexer.db');
    const poster = net.actor(1000n * NOS);
    const host = await net.host();
    const posted: string[] = [];
    const post = async (n: number) => {
      for (let i = 0; i < n; i++)
        posted.push((await poster.jobs.post({ definition, market: 'gpu', timeout: 60 })).job.toBase58());
    };
    await post(3);
    let { child, url } = await spawnIndexer(dbPath);
    // Traffic while the indexer follows: more jobs, a node taking one, one delisted.
    const traffic = (async () => {
      await post(5);
      await host.host.work('gpu');
      await poster.jobs.stop(posted[1]!);
      await post(5);
    })();
    await until(
      () => getJson<{ items: unknown[] }>(`${url}/api/jobs?limit=500`),
      (r) => r.body.items.length >= 5,
    );
    child.kill('SIGKILL');
    await once(child, 'exit');
    await traffic;
    // While it is down: more jobs, a delisting, a finish.
    await post(4);
    await poster.jobs.stop(posted[2]!);
    const [run] = await host.host.runs();
    await host.host.finish({ run: run!, result: (await poster.jobs.get(run!.job)).definition });

    ({ child, url } = await spawnIndexer(dbPath));
    await post(2);
    const scan = await rpcScan(net.localnet.rpcUrl, JOBS);
    const onChain = [...scan].filter(([, data]) => isAccountOf('JobAccount', data));
    const expected = new Map(onChain.map(([address, data]) => [address, decodeJobAccount(data).state]));
    await until(
      () => getJson<{ items: Array<{ address: string }> }>(`${url}/api/jobs?limit=500`),
      (r) => r.body.items.length === posted.length,
    );
    child.kill('SIGTERM');
    await once(child, 'exit');

    const store = openStore({ path: dbPath });
    const rows = store.db
      .prepare<[], { address: string; state: number; closed: number; status: string }>(
        'SELECT address, state, closed, status FROM jobs',
      )
      .all();
    store.closeDatabase();
    expect(rows.map((r) => r.address).sort()).toEqual([...posted].sort());
    expect(new Set(rows.map((r) => r.address)).size).toBe(rows.length);
    const open = rows.filter((r) => r.closed === 0);
    expect(new Map(open.map((r) => [r.address, r.state]))).toEqual(expected);
    const delisted = rows
      .filter((r) => r.status === 'DELISTED')
      .map((r) => r.address)
      .sort();
    expect(delisted).toEqual([posted[1]!, posted[2]!].sort());
    expect(rows.filter((r) => r.status === 'COMPLETED')).toHaveLength(1);
  });
});
