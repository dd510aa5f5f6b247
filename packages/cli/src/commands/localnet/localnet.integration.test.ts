import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCALNET_MALLOC_ENV } from '@nosana/localnet/server-env';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/network.js';
import { runCli as runBinary } from '../../../test/run-cli.js';
import type { LocalnetStartResult } from './start.js';
import type { LocalnetStatusResult } from './status.js';
import type { LocalnetStopResult } from './stop.js';

const dir = mkdtempSync(join(tmpdir(), 'nosana-cli-localnet-'));
/** The binary with this test's own HOME: the localnet pointer and wallets stay in the temporary directory. */
const runCli = (args: string[], options: { env?: NodeJS.ProcessEnv } = {}) =>
  runBinary(args, { ...options, env: { HOME: dir, ...options.env } });
afterAll(async () => {
  await runCli(['localnet', 'stop', '--data-dir', join(dir, 'a')]);
  rmSync(dir, { recursive: true, force: true });
});

/** Two consecutive free ports (RPC and WebSocket). */
async function rpcPorts(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65000 && (await isFree(port + 1))) return port;
  }
}
const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

describe('nosana localnet', () => {
  it('start --detach serves in the background; status sees it; stop saves and stops it; state survives a restart', async () => {
    const rpcPort = await rpcPorts();
    const ipfsPort = await freePort();
    const dataDir = join(dir, 'a');
    const ports = ['--rpc-port', String(rpcPort), '--ipfs-port', String(ipfsPort)];
    const start = await runCli(['localnet', 'start', '--detach', '--data-dir', dataDir, ...ports, '--json']);
    expect(start.code).toBe(0);
    const started = start.json<{ result: LocalnetStartResult }>().result;
    expect(started).toMatchObject({
      rpcUrl: `http://127.0.0.1:${rpcPort}`,
      ipfsApiUrl: `http://127.0.0.1:${ipfsPort}`,
      dataDir,
      detached: true,
    });

    const status = (
      await runCli(['localnet', 'status', '--data-dir', dataDir, '--rpc-port', String(rpcPort), '--json'])
    ).json<{ result: LocalnetStatusResult }>().result;
    expect(status).toMatchObject({ running: true, pid: started.pid });
    expect(status.markets.map((m) => m.name).sort()).toEqual(['cpu', 'gpu']);
    // The detached server runs with the localnet's malloc settings (they cannot be set from inside a process).
    const environ = readFileSync(`/proc/${started.pid}/environ`, 'utf8').split('\0');
    for (const [name, value] of Object.entries(LOCALNET_MALLOC_ENV))
      expect(environ).toContain(`${name}=${value}`);

    // A second one on the same directory is refused (exit 1), and changes nothing.
    const twice = await runCli([
      'localnet',
      'start',
      '--detach',
      '--data-dir',
      dataDir,
      '--rpc-port',
      String(await rpcPorts()),
      '--ipfs-port',
      String(await freePort()),
      '--json',
    ]);
    expect(twice.code).not.toBe(0);
    expect(twice.json<{ error: { message: string } }>().error.message).toContain('already uses');

    const airdrop = await runCli(['wallet', 'airdrop', '--json'], {
      env: {
        NOSANA_RPC: started.rpcUrl,
        NOSANA_IPFS_API: started.ipfsApiUrl,
        NOSANA_WALLET: join(dir, 'w.json'),
      },
    });
    expect(airdrop.code).toBe(0);

    const stop = await runCli(['localnet', 'stop', '--data-dir', dataDir, '--json']);
    expect(stop.json<{ result: LocalnetStopResult }>().result).toEqual({ pid: started.pid, dataDir });
    expect(existsSync(join(dataDir, 'localnet.pid'))).toBe(false);
    const after = await runCli([
      'localnet',
      'status',
      '--data-dir',
      dataDir,
      '--rpc-port',
      String(rpcPort),
      '--json',
    ]);
    expect(after.code).toBe(3);
    expect(after.json<{ result: LocalnetStatusResult }>().result).toMatchObject({
      running: false,
      pid: null,
    });

    // Restarted, it still knows the airdrop.
    await runCli(['localnet', 'start', '--detach', '--data-dir', dataDir, ...ports]);
    const balance = await runCli(['wallet', 'balance', '--json'], {
      env: { NOSANA_RPC: started.rpcUrl, NOSANA_WALLET: join(dir, 'w.json') },
    });
    expect(balance.json<{ result: { nos: string } }>().result.nos).toBe('1000000000');
    await runCli(['localnet', 'stop', '--data-dir', dataDir]);
  }, 240_000);

  it('a port in use is reported with a fix (exit 1); stop without a localnet is a no-op', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const start = await runCli([
        'localnet',
        'start',
        '--detach',
        '--data-dir',
        join(dir, 'b'),
        '--rpc-port',
        String(await rpcPorts()),
        '--ipfs-port',
        String(port),
        '--json',
      ]);
      expect(start.code).not.toBe(0);
      expect(start.json<{ error: { message: string } }>().error.message).toMatch(/in use/);
    } finally {
      blocker.close();
    }
    const stop = await runCli(['localnet', 'stop', '--data-dir', join(dir, 'nothing'), '--json']);
    expect(stop.code).toBe(0);
    expect(stop.json<{ result: LocalnetStopResult }>().result.pid).toBeNull();
  }, 60_000);
});
