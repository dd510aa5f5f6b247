/**
 * A localnet started with free ports and its own data directory is found by the other commands with no flag or
 * environment variable: they read the pointer `localnet start` leaves in the Nosana home (a temporary HOME here).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/run-cli.js';
import type { LocalnetStartResult } from './start.js';
import type { LocalnetStatusResult } from './status.js';
import type { LocalnetStopResult } from './stop.js';

const home = mkdtempSync(join(tmpdir(), 'nosana-cli-discovery-'));
const dataDir = join(home, 'my-localnet');
// Nothing points the commands at the localnet but the files it writes under this HOME.
const env = {
  HOME: home,
  NOSANA_NETWORK: '',
  NOSANA_RPC: '',
  NOSANA_IPFS_API: '',
  NOSANA_WALLET: '',
  NOSANA_PROFILE: '',
};
const nosana = (argv: string[]) => runCli(argv, { env });
afterAll(async () => {
  await nosana(['localnet', 'stop', '--data-dir', dataDir]);
  rmSync(home, { recursive: true, force: true });
});
type Ok<T> = { status: 'ok'; result: T };

describe('localnet discovery', () => {
  it('start on free ports publishes its URLs; status, wallet, market and stop find it without flags', async () => {
    const start = await nosana([
      'localnet',
      'start',
      '--detach',
      '--data-dir',
      dataDir,
      '--rpc-port',
      '0',
      '--ipfs-port',
      '0',
      '--no-gateway',
      '--no-indexer',
      '--json',
    ]);
    expect(start.code, start.stderr).toBe(0);
    const started = start.json<Ok<LocalnetStartResult>>().result;
    expect(started.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.rpcUrl).not.toBe('http://127.0.0.1:8899');
    expect(started.env).toEqual({
      NOSANA_NETWORK: 'localnet',
      NOSANA_RPC: started.rpcUrl,
      NOSANA_IPFS_API: started.ipfsApiUrl,
    });
    expect(existsSync(join(dataDir, 'endpoints.json'))).toBe(true);
    expect(existsSync(join(home, '.nosana', 'current-localnet.json'))).toBe(true);

    // status: no flag at all.
    const status = await nosana(['localnet', 'status', '--json']);
    expect(status.code, status.stdout).toBe(0);
    expect(status.json<Ok<LocalnetStatusResult>>().result).toMatchObject({
      running: true,
      rpcUrl: started.rpcUrl,
      ipfsApiUrl: started.ipfsApiUrl,
      dataDir,
      pid: started.pid,
      env: started.env,
    });
    const human = await nosana(['localnet', 'status']);
    expect(human.stdout).toContain(started.rpcUrl);

    // Network commands use its RPC and IPFS API: the faucet credits the default wallet, markets are its markets.
    const airdrop = await nosana(['wallet', 'airdrop', '--json']);
    expect(airdrop.code, airdrop.stdout).toBe(0);
    const balance = await nosana(['wallet', 'balance', '--json']);
    expect(balance.json<Ok<{ nos: string }>>().result.nos).toBe('1000000000');
    const markets = await nosana(['market', 'list', '--json']);
    expect(markets.code, markets.stdout).toBe(0);
    expect(JSON.stringify(markets.json())).toContain('"cpu"');

    // stop: no --data-dir either; it removes what the localnet published.
    const stop = await nosana(['localnet', 'stop', '--json']);
    expect(stop.json<Ok<LocalnetStopResult>>().result).toEqual({ pid: started.pid, dataDir });
    expect(existsSync(join(dataDir, 'endpoints.json'))).toBe(false);
    expect(existsSync(join(home, '.nosana', 'current-localnet.json'))).toBe(false);
    const after = await nosana(['localnet', 'status', '--json']);
    expect(after.code).toBe(3);
    expect(after.json<{ result: LocalnetStatusResult }>().result).toMatchObject({
      running: false,
      env: null,
    });
  }, 120_000);

  it('a foreground start prints the variables to export; stop --data-dir stops it', async () => {
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../../../test/run-cli.js');
    const other = join(home, 'foreground');
    const child = spawn(
      process.execPath,
      [
        CLI,
        'localnet',
        'start',
        '--data-dir',
        other,
        '--rpc-port',
        '0',
        '--ipfs-port',
        '0',
        '--no-gateway',
        '--no-indexer',
      ],
      { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => output.includes('Serving.') && resolve());
      child.once('exit', (code) => reject(new Error(`localnet start exited (${code}): ${output}`)));
    });
    const rpc = /RPC:\s+(\S+)/.exec(output)?.[1];
    expect(output).toContain(`export NOSANA_RPC=${rpc}`);
    expect(output).toMatch(/export NOSANA_IPFS_API=http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('export NOSANA_NETWORK=localnet');
    const stop = await nosana(['localnet', 'stop', '--data-dir', other, '--json']);
    expect(stop.json<Ok<LocalnetStopResult>>().result).toEqual({ pid: child.pid, dataDir: other });
    expect(await exited).toBe(0);
    expect(existsSync(join(other, 'endpoints.json'))).toBe(false);
  }, 120_000);
});
