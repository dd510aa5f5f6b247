/**
 * The start-up fast path (`--version`, `job validate`, `market list`/`get` without oclif) prints exactly what the
 * oclif commands print: the same stdout, stderr and exit code, with and without `--json` and colors.
 * NOSANA_CLI_FAST_PATH=0 sends the same arguments through oclif.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callLocalnetRpc } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFastPath } from '../src/fast-path.js';
import { runCli } from './run-cli.js';

const invalid = 'packages/core/test/fixtures/invalid';
const cases: Array<{ args: string[]; stdin?: string; env?: NodeJS.ProcessEnv }> = [
  { args: ['--version'] },
  { args: ['-v'] },
  { args: ['job', 'validate', 'examples/hello-world.json'] },
  { args: ['job', 'validate', 'examples/hello-world.yaml', '--json'] },
  { args: ['job', 'validate', 'examples/web-service.json', 'examples/vllm-gpu-service.json'] },
  { args: ['job', 'validate', `${invalid}/bad-ports.json`] },
  { args: ['job', 'validate', '--json', `${invalid}/bad-literals.json`] },
  { args: ['job', 'validate', 'examples/hello-world.json', `${invalid}/wrong-types.json`] },
  { args: ['job', 'validate', 'examples/hello-world.json', `${invalid}/unknown-properties.json`, '--json'] },
  { args: ['job', 'validate', 'examples/does-not-exist.json'] },
  { args: ['job', 'validate', 'examples/does-not-exist.json', '--json'] },
  { args: ['job', 'validate', '-'], stdin: '{"version":"0.1","type":"container","ops":[]}' },
  { args: ['job', 'validate', '-', '--json'], stdin: 'version: "0.1"\ntype: container\nops: [{' },
  // Colors: both paths decide with the same libraries.
  { args: ['job', 'validate', 'examples/hello-world.json'], env: { NO_COLOR: undefined, FORCE_COLOR: '1' } },
  {
    args: ['job', 'validate', `${invalid}/bad-volumes.json`],
    env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
  },
];

describe('the start-up fast path (built binary)', () => {
  it.each(cases)('prints what oclif prints for nosana $args', async ({ args, stdin, env }) => {
    const fast = await runCli(args, { ...(stdin === undefined ? {} : { stdin }), env: { ...env } });
    const oclif = await runCli(args, {
      ...(stdin === undefined ? {} : { stdin }),
      env: { ...env, NOSANA_CLI_FAST_PATH: '0' },
    });
    expect(fast.stdout.length + fast.stderr.length).toBeGreaterThan(0);
    expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({
      code: oclif.code,
      stdout: oclif.stdout,
      stderr: oclif.stderr,
    });
  });
});

describe('the market reads on the fast path (built binary, a localnet)', () => {
  let localnet: Localnet;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let gpu: string;
  beforeAll(async () => {
    localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
    // An empty Nosana home: no profile, no running-localnet pointer, no market directory of this machine's.
    home = mkdtempSync(join(tmpdir(), 'nosana-fast-reads-'));
    env = { HOME: home, NOSANA_RPC: localnet.rpcUrl, NOSANA_NETWORK: undefined };
    gpu = (await callLocalnetRpc(localnet.rpcUrl, 'localnet_info', [])).markets.find(
      (m) => m.name === 'gpu',
    )!.address;
  });
  afterAll(async () => {
    await localnet?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const cases = () => [
    ['market', 'list'],
    ['market', 'list', '--json'],
    ['market', 'get', 'cpu'],
    ['market', 'get', gpu, '--json'],
    ['market', 'get', '--network=localnet', 'gpu'],
    ['market', 'list', '-n', 'devnet', '--json'],
    ['market', 'get', 'tpu'],
    ['market', 'get', 'tpu', '--json'],
    ['market', 'get', Keypair.generate().publicKey.toBase58(), '--json'],
  ];

  it('prints what oclif prints, and answers without oclif', async () => {
    for (const args of cases()) {
      const fast = await runCli(args, { env });
      const oclif = await runCli(args, { env: { ...env, NOSANA_CLI_FAST_PATH: '0' } });
      expect(fast.stdout.length + fast.stderr.length, args.join(' ')).toBeGreaterThan(0);
      expect({ args, code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({
        args,
        code: oclif.code,
        stdout: oclif.stdout,
        stderr: oclif.stderr,
      });
    }
    // In this process, the fast path itself answers (no fallback to oclif) with the same text.
    const previous = process.env.HOME;
    process.env.HOME = home;
    try {
      let stdout = '';
      const answered = await runFastPath(['market', 'list', '--rpc', localnet.rpcUrl, '--json'], {
        stdout: (text) => {
          stdout += text;
        },
        stderr: () => undefined,
        env: { NO_COLOR: '1' },
      });
      expect(answered).toBe(true);
      const cli = await runCli(['market', 'list', '--json'], { env: { ...env, NOSANA_CLI_FAST_PATH: '0' } });
      expect(stdout).toBe(cli.stdout);
    } finally {
      process.env.HOME = previous;
    }
  });

  it('colors as oclif does, and fails as oclif does when the RPC does not answer', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    for (const [args, extra] of [
      [['market', 'list'], { NO_COLOR: undefined, FORCE_COLOR: '1' }],
      [['market', 'get', 'cpu'], { NO_COLOR: undefined, FORCE_COLOR: '1' }],
      [['market', 'list', '--json'], { NOSANA_RPC: closed }],
    ] as const) {
      const fast = await runCli([...args], { env: { ...env, ...extra } });
      const oclif = await runCli([...args], { env: { ...env, ...extra, NOSANA_CLI_FAST_PATH: '0' } });
      expect({ args, code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({
        args,
        code: oclif.code,
        stdout: oclif.stdout,
        stderr: oclif.stderr,
      });
    }
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
