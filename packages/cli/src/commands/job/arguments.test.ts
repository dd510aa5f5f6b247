/** Bad arguments are refused before any network is touched: these runs have no network to talk to. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../test/run-command.js';

// A port nothing listens on: a command that tried to connect would fail with a network error (exit 3), not 1.
const offline = { NOSANA_RPC: 'http://127.0.0.1:9', NOSANA_NETWORK: 'localnet' };

describe('job commands refuse malformed arguments, naming them', () => {
  it.each([['get'], ['stop'], ['recover'], ['logs'], ['extend', '-t', '30']])(
    'job %s foo → "foo is not a Solana address", exit 1',
    async (verb, ...rest) => {
      const run = await runCommand(['job', verb!, 'foo', ...rest, '--json'], { env: offline });
      expect(run.code).toBe(1);
      expect(run.json()).toMatchObject({
        status: 'error',
        error: {
          code: 'CLI__INVALID_ARGUMENT',
          message: expect.stringContaining('"foo" is not a Solana address'),
        },
      });
    },
  );

  it('job list takes states in any case and lists them when wrong', async () => {
    const run = await runCommand(['job', 'list', '--state', 'finished'], { env: offline });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      '--state "finished" is not a job state — use one of QUEUED, RUNNING, COMPLETED, STOPPED',
    );
  });

  it('job post names the timeout flag when it is no duration', async () => {
    const run = await runCommand(['job', 'post', '-f', 'examples/hello-world.json', '-t', 'soon', '--json'], {
      env: offline,
    });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({
      error: { code: 'CLI__INVALID_FLAG', message: expect.stringContaining('--timeout "soon"') },
    });
  });

  it('-w is --wallet (as in the original CLI), not --wait', async () => {
    const key = Keypair.generate();
    const dir = mkdtempSync(join(tmpdir(), 'nosana-cli-wallet-'));
    const path = join(dir, 'key.json');
    writeFileSync(path, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
    try {
      const run = await runCommand(['wallet', 'address', '-w', path, '--json'], { env: offline });
      expect(run.json()).toMatchObject({ status: 'ok', result: { address: key.publicKey.toBase58(), path } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
