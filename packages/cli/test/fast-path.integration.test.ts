/**
 * The start-up fast path (`--version`, `job validate`, `market list`/`get`, `job get` without oclif) prints exactly what the
 * oclif commands print: the same stdout, stderr and exit code, with and without `--json` and colors.
 * NOSANA_CLI_FAST_PATH=0 sends the same arguments through oclif.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callLocalnetRpc } from '@nosana/chain';
import type { FlowState, JobDefinition } from '@nosana/core';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { createLocalnetActors, type LocalnetActors } from '@nosana/localnet/testing';
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

describe('job get on the fast path (built binary, a localnet)', () => {
  let localnet: Localnet;
  let actors: LocalnetActors;
  let home: string;
  let env: NodeJS.ProcessEnv;
  const jobs: Record<string, string> = {};
  const service: JobDefinition = {
    version: '0.1',
    type: 'container',
    ops: [
      { type: 'container/run', id: 'web', args: { image: 'busybox:1.35', cmd: 'httpd -f', expose: 8080 } },
    ],
  };
  const flow = (logLines: number): FlowState => ({
    status: 'success',
    startTime: 1_700_000_000_000,
    endTime: 1_700_000_042_000,
    opStates: [
      {
        providerId: 'c1',
        operationId: 'web',
        group: 'web',
        status: 'success',
        startTime: 1_700_000_000_000,
        endTime: 1_700_000_042_000,
        exitCode: 0,
        logs: Array.from({ length: logLines }, (_, i) => ({
          type: 'stdout' as const,
          log: `line ${i}`,
          timestamp: 1_700_000_000_000 + i,
        })),
        results: { answer: ['42'] },
      },
    ],
  });

  /** Posts the definition and, unless it stays queued, runs it to the end with `result` (or leaves it running). */
  async function jobIn(state: 'QUEUED' | 'RUNNING' | 'COMPLETED', result?: FlowState) {
    const poster = actors.actor(100n * 1_000_000n);
    const { job } = await poster.jobs.post({ definition: service, market: 'cpu', timeout: 600 });
    if (state === 'QUEUED') return job.toBase58();
    const host = actors.actor();
    await host.host.prepare();
    const { run } = await host.host.work('cpu');
    if (state === 'COMPLETED') {
      const cid = await host.ipfs.putBytes(new TextEncoder().encode(JSON.stringify(result)));
      await host.host.finish({ run: run!, result: cid });
    }
    return job.toBase58();
  }

  beforeAll(async () => {
    localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
    actors = createLocalnetActors(localnet);
    // Public URLs on a gateway the localnet announces (nothing needs to listen: a queued job's URLs are not probed).
    localnet.announce({ gateway: 'http://127.0.0.1:18080' });
    home = mkdtempSync(join(tmpdir(), 'nosana-fast-job-get-'));
    env = {
      HOME: home,
      NOSANA_RPC: localnet.rpcUrl,
      NOSANA_IPFS_API: localnet.ipfsApiUrl,
      NOSANA_NETWORK: undefined,
      NOSANA_GATEWAY_URL: undefined,
      NOSANA_NODE_API: undefined,
    };
    // One after the other, the queued one last: a host takes the job at the head of the queue.
    jobs.completed = await jobIn('COMPLETED', flow(3));
    jobs.bigResult = await jobIn('COMPLETED', flow(20_000));
    jobs.running = await jobIn('RUNNING');
    jobs.queued = await jobIn('QUEUED');
  });
  afterAll(async () => {
    actors?.close();
    await localnet?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** What the fast path does in this process: whether it answered, and what it printed. */
  async function inProcess(args: string[]) {
    const previous = process.env.HOME;
    process.env.HOME = home;
    let stdout = '';
    try {
      const answered = await runFastPath(args, {
        stdout: (text) => {
          stdout += text;
        },
        stderr: () => undefined,
        env: { NO_COLOR: '1', NOSANA_RPC: localnet.rpcUrl, NOSANA_IPFS_API: localnet.ipfsApiUrl },
      });
      return { answered, stdout };
    } finally {
      process.env.HOME = previous;
    }
  }

  it('prints what oclif prints for queued, completed, running and missing jobs', async () => {
    const missing = Keypair.generate().publicKey.toBase58();
    for (const job of [jobs.queued!, jobs.completed!, jobs.bigResult!, jobs.running!, missing]) {
      for (const args of [
        ['job', 'get', job],
        ['job', 'get', job, '--json'],
      ]) {
        const fast = await runCli(args, { env });
        const oclif = await runCli(args, { env: { ...env, NOSANA_CLI_FAST_PATH: '0' } });
        expect(fast.stdout.length + fast.stderr.length, args.join(' ')).toBeGreaterThan(0);
        // A running job has run a second longer when asked again.
        const ran = (text: string) => text.replace(/^(ran:\s+)\d+s$/m, '$1…');
        expect({ args, code: fast.code, stdout: ran(fast.stdout), stderr: fast.stderr }).toEqual({
          args,
          code: oclif.code,
          stdout: ran(oclif.stdout),
          stderr: oclif.stderr,
        });
      }
    }
  });

  it('answers queued and completed jobs itself, and leaves running jobs and large results to oclif', async () => {
    const queued = await inProcess(['job', 'get', jobs.queued!, '--json']);
    expect(queued.answered).toBe(true);
    const summary = JSON.parse(queued.stdout) as {
      result: { state: string; services: Array<{ url: string }> };
    };
    expect(summary.result.state).toBe('QUEUED');
    expect(summary.result.services[0]?.url).toMatch(/^http:\/\/\w{44}\.127\.0\.0\.1:18080$/);
    const completed = await inProcess(['job', 'get', jobs.completed!]);
    expect(completed.answered).toBe(true);
    expect(completed.stdout).toContain('answer: 42');
    expect(await inProcess(['job', 'get', jobs.running!])).toEqual({ answered: false, stdout: '' });
    expect(await inProcess(['job', 'get', jobs.bigResult!])).toEqual({ answered: false, stdout: '' });
  });
});
