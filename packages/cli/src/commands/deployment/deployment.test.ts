import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../../../test/run-cli.js';

type Failed = { status: 'error'; error: { code: string; message: string } };
const web = join(REPO, 'examples', 'web-service.json');
const dir = mkdtempSync(join(tmpdir(), 'nosana-deployment-cli-'));
const wallet = join(dir, 'wallet.json');
writeFileSync(wallet, JSON.stringify(Array.from(Keypair.generate().secretKey)), { mode: 0o600 });
// Nothing answers here: any attempt to reach a network would fail with a network error, not the expected code.
const env = {
  NOSANA_RPC: 'http://127.0.0.1:9',
  NOSANA_IPFS_API: 'http://127.0.0.1:9',
  NOSANA_WALLET: wallet,
  NOSANA_DEPLOYMENTS_DB: join(dir, 'd.db'),
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('nosana deployment (offline checks)', () => {
  it.each([
    [
      ['create', '-f', web, '--budget', '5', '--replicas', '0'],
      'DEPLOY__INVALID_PARAMETER',
      /replicas must be a whole number/,
    ],
    [
      ['create', '-f', web, '--budget', '5', '--strategy', 'scheduled', '--schedule', 'every minute'],
      'DEPLOY__INVALID_SCHEDULE',
      /not a cron expression/,
    ],
    [
      ['create', '-f', web, '--budget', '5', '--strategy', 'scheduled'],
      'DEPLOY__INVALID_PARAMETER',
      /needs a schedule/,
    ],
    [
      ['create', '-f', web, '--budget', '5', '--strategy', 'infinite', '--timeout', '30m'],
      'DEPLOY__INVALID_PARAMETER',
      /at least 60 minutes/,
    ],
    [
      ['create', '-f', join(REPO, 'package.json'), '--budget', '5'],
      'CORE__JOB_DEFINITION_INVALID',
      /package\.json/,
    ],
    [['scale', 'dep_x', '0'], 'DEPLOY__INVALID_PARAMETER', /replicas/],
    [['serve', '--manager', 'http://127.0.0.1:1'], 'CLI__INVALID_FLAG', /drop --manager/],
    [
      ['list', '--gateway', 'ftp://gateway.example'],
      'CLI__INVALID_FLAG',
      /--gateway takes the gateway's http\(s\) URL/,
    ],
  ])(
    '%j fails with %s before any network is used (exit 1)',
    async (args, code, message) => {
      const run = await runCli(['deployment', ...args, '--json'], { env });
      expect(run.code, run.stdout + run.stderr).toBe(1);
      const { error } = run.json<Failed>();
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    },
    60_000,
  );

  it('reports an unreachable --manager as a network error (exit 3)', async () => {
    const port = await closedPort();
    const run = await runCli(['deployment', 'list', '--manager', `http://127.0.0.1:${port}`, '--json'], {
      env,
    });
    expect(run.code).toBe(3);
    expect(run.json<Failed>().error).toMatchObject({
      code: 'DEPLOY__API_UNREACHABLE',
      message: expect.stringMatching(/deployment serve/),
    });
  }, 60_000);
});
