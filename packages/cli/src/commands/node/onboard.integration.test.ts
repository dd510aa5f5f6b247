/**
 * Onboarding a host, in process against a localnet and the real Docker engine: `node specs` (a fake nvidia-smi on
 * PATH plays an H100 host), the speed test against a loopback endpoint, `node benchmark` (signed, stored), and
 * `node start` without a market (the markets that fit, exit 1) or with `auto`.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { putJson } from '@nosana/chain';
import type { FlowState } from '@nosana/core';
import { type HostSpecs, parseGpuQuery, verifyBenchmark } from '@nosana/node';
import { connectEngine, seedBusyboxImage } from '@nosana/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { runCommand } from '../../../test/run-command.js';
import { chooseMarket, type MarketChoice } from '../../node-market.js';
import type { JobPostResult } from '../job/post.js';
import type { NodeBenchmarkResult } from './benchmark.js';

type Ok<T> = { status: 'ok'; result: T };
type Failed<T = unknown> = { status: 'error'; result: T; error: { code: string; message: string } };

const FIXTURES = join(import.meta.dirname, '../../../../node/src/specs/fixtures');
let network: TestNetwork;
let fakeBin: string;
let speed: Server;
let speedUrl: string;

beforeAll(async () => {
  network = await startTestNetwork();
  await seedBusyboxImage({ docker: (await connectEngine()).docker });
  // An H100 host: nvidia-smi answers the GPU query from the fixture and the banner with the CUDA version.
  fakeBin = join(network.dir, 'bin');
  mkdirSync(fakeBin);
  copyFileSync(join(FIXTURES, 'h100.csv'), join(network.dir, 'h100.csv'));
  copyFileSync(join(FIXTURES, 'h100.banner.txt'), join(network.dir, 'h100.banner.txt'));
  writeFileSync(
    join(fakeBin, 'nvidia-smi'),
    `#!/bin/sh\nif [ "$#" = 0 ]; then cat '${network.dir}/h100.banner.txt'; else cat '${network.dir}/h100.csv'; fi\n`,
  );
  chmodSync(join(fakeBin, 'nvidia-smi'), 0o755);
  speed = createServer((request, response) => {
    if (request.method === 'POST') {
      request.resume();
      request.on('end', () => response.end('ok'));
    } else response.end(Buffer.alloc(1_000_000));
  });
  await new Promise<void>((resolve) => speed.listen(0, '127.0.0.1', resolve));
  speedUrl = `http://127.0.0.1:${(speed.address() as AddressInfo).port}/blob`;
}, 120_000);

afterAll(async () => {
  speed?.close();
  await network?.close();
});

const withGpu = () => ({ PATH: `${fakeBin}:${process.env.PATH}` });
const noGpu = () => ({
  PATH: process.env
    .PATH!.split(':')
    .filter((p) => !existsSync(join(p, 'nvidia-smi')))
    .join(':'),
});

describe('nosana node specs', () => {
  it('reports CPU, memory, disk and the engine; no GPU without nvidia-smi', async () => {
    const run = await runCommand(['node', 'specs', '--state-dir', network.dir, '--json'], { env: noGpu() });
    expect(run.code, run.stderr).toBe(0);
    const specs = run.json<Ok<HostSpecs>>().result;
    expect(specs.cpu.threads).toBeGreaterThan(0);
    expect(specs.memory.totalBytes).toBeGreaterThan(0);
    expect(specs.disk?.path).toBe(network.dir);
    expect(specs.engine?.kind).toBe('docker');
    expect(specs).toMatchObject({
      gpus: [],
      gpuNote: expect.stringContaining('nvidia-smi not found'),
      network: null,
    });
  });

  it('lists the GPUs nvidia-smi reports: model, VRAM, driver, CUDA, PCIe link', async () => {
    const run = await runCommand(['node', 'specs'], { env: withGpu() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /gpu 0: +NVIDIA H100 80GB HBM3, 79\.6 GiB VRAM, driver 550\.90\.07, compute 9\.0, PCIe 5\.0 x16/,
    );
    expect(run.stdout).toMatch(/cuda: +12\.4/);
    expect(run.stdout).toMatch(/network: +not measured/);
  });

  it('measures the network only against the endpoint given; a bad URL is exit 1, an unreachable one exit 3', async () => {
    const run = await runCommand(['node', 'specs', '--gpu', 'none', '--speed-test-url', speedUrl, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<Ok<HostSpecs>>().result.network).toMatchObject({
      url: speedUrl,
      downloadBytes: 1_000_000,
      uploadBytes: 10_000_000,
    });
    const bad = await runCommand(['node', 'specs', '--speed-test-url', 'speed.example.org', '--json']);
    expect(bad.code).toBe(1);
    expect(bad.json<Failed>().error.code).toBe('CLI__INVALID_FLAG');
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/`;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const down = await runCommand(['node', 'specs', '--gpu', 'none', '--speed-test-url', closed, '--json']);
    expect(down.code).toBe(3);
    expect(down.json<Failed>().error.code).toBe('NODE__SPEED_TEST_FAILED');
  });
});

describe('nosana node benchmark', () => {
  it('runs the CPU benchmark on Docker, signs it with the node key and stores it in the state dir', async () => {
    const wallet = network.wallet();
    const stateDir = mkdtempSync(join(network.dir, 'state-'));
    const run = await runCommand(
      ['node', 'benchmark', '--size', '8', '--gpu', 'none', '--state-dir', stateDir, '--json'],
      { env: network.env(wallet.path) },
    );
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<Ok<NodeBenchmarkResult>>().result;
    expect(result.path).toBe(join(stateDir, 'benchmark.json'));
    const { path, ...signed } = result;
    expect(verifyBenchmark(signed).signer).toBe(wallet.key.publicKey.toBase58());
    expect(result.report.cpu.multiCore.workers).toBeGreaterThan(0);
    expect(existsSync(path)).toBe(true);
  }, 120_000);
});

describe('nosana node start without a market', () => {
  it('lists the markets that fit and why the others refuse the host, then exits 1', async () => {
    const wallet = network.wallet();
    const run = await runCommand(['node', 'start', '--state-dir', join(network.dir, 'unused'), '--json'], {
      env: { ...network.env(wallet.path), ...noGpu(), NOSANA_MARKET: undefined },
    });
    expect(run.code).toBe(1);
    const failed = run.json<Failed<MarketChoice>>();
    expect(failed.error.code).toBe('CLI__MARKET_REQUIRED');
    expect(failed.error.message).toContain('--market cpu');
    const byName = Object.fromEntries(failed.result.markets.map((m) => [m.name, m]));
    expect(byName.cpu).toMatchObject({ qualified: true, reasons: [] });
    expect(byName.gpu).toMatchObject({
      qualified: false,
      reasons: ['no NVIDIA GPU found (nvidia-smi reports none)'],
    });
    expect(existsSync(join(network.dir, 'unused'))).toBe(false);
  }, 60_000);

  it('an H100 host is told the GPU market pays best; auto picks it, and the CPU market on a host without GPU', async () => {
    const wallet = network.wallet();
    const run = await runCommand(['node', 'start', '--state-dir', join(network.dir, 'unused')], {
      env: { ...network.env(wallet.path), ...withGpu(), NOSANA_MARKET: undefined },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/gpu \(\w+\) +1\.08 +best/);
    expect(run.stderr).toContain(
      '--market gpu (best-paying that fits) or --market auto to join it; others that fit: cpu',
    );

    const client = network.client(wallet.key);
    try {
      const markets = await client.markets.list();
      const address = (name: string) => markets.find((m) => m.name === name)?.address.toBase58();
      const h100 = parseGpuQuery(`0, NVIDIA H100 80GB HBM3, GPU-1, 81559, 550.90.07`);
      const lines: string[] = [];
      expect(await chooseMarket({ client, flag: 'auto', gpus: h100, log: (l) => lines.push(l) })).toBe(
        address('gpu'),
      );
      expect(lines.at(-1)).toContain('Joining gpu');
      expect(await chooseMarket({ client, flag: 'auto', gpus: [], log: () => undefined })).toBe(
        address('cpu'),
      );
      expect(await chooseMarket({ client, flag: 'cpu', gpus: [], log: () => undefined })).toBe('cpu');
    } finally {
      client.close();
    }
  }, 60_000);
});

describe('what a job costs against the cloud, before posting (--dry-run)', () => {
  it('template use ollama --model llama3.1:8b --market gpu --dry-run: the definition, its cost and the cloud price', async () => {
    const run = await runCommand(
      [
        'template',
        'use',
        'ollama',
        '--model',
        'llama3.1:8b',
        '--market',
        'gpu',
        '--dry-run',
        '--nos-usd',
        '0.5',
      ],
      { env: network.env(network.wallet().path) },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.slice(0, run.stdout.indexOf('\n}') + 2)).ops[0].args.resources).toEqual([
      { type: 'Ollama', model: 'llama3.1:8b' },
    ]);
    expect(run.stdout).toMatch(/deposit: +1\.08 NOS/);
    expect(run.stdout).toMatch(/max cost: +1\.08 NOS = \$0\.5400 at \$0\.5\/NOS/);
    expect(run.stdout).toMatch(/cloud: +\$0\.5300 for 1h on AWS g4dn\.xlarge \(1× T4 16GB\)/);
    expect(run.stdout).toContain('nothing was posted');

    const json = await runCommand(
      [
        'template',
        'use',
        'ollama',
        '--model',
        'llama3.1:8b',
        '-p',
        'vram=40',
        '--market',
        'gpu',
        '--dry-run',
        '--nos-usd',
        '0.5',
        '--json',
      ],
      { env: network.env(network.wallet().path) },
    );
    expect(json.code, json.stderr).toBe(0);
    const result =
      json.json<
        Ok<{ dryRun: { deposit: string; cost: { cloud: { model: string; gpuMemoryGb: number } } } }>
      >().result;
    expect(result.dryRun).toMatchObject({
      deposit: '1080000',
      cost: { cloud: { model: 'a100', gpuMemoryGb: 40 } },
    });
  }, 60_000);

  it('job post --dry-run shows the maximum cost and the cloud equivalent, and posts nothing', async () => {
    const wallet = network.wallet(10_000_000n);
    const env = network.env(wallet.path);
    const run = await runCommand(
      [
        'job',
        'post',
        '-f',
        'examples/ollama-gpu-service.json',
        '--market',
        'gpu',
        '-t',
        '2h',
        '--dry-run',
        '--nos-usd',
        '0.5',
        '--cloud-gpu',
        'H100',
        '--json',
      ],
      { env },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<Ok<{ dryRun: boolean; cost: unknown }>>().result).toMatchObject({
      dryRun: true,
      cost: {
        maxJobNos: 2.16,
        maxJobUsd: 1.08,
        cloud: { model: 'h100', maxJobUsd: 22.12 },
        savingPercent: 95.1,
      },
    });
    const list = await runCommand(['job', 'list', '--mine', '--json'], { env });
    expect(list.json<Ok<{ jobs: unknown[] }>>().result.jobs).toEqual([]);
    const bad = await runCommand(
      ['job', 'post', '-f', 'examples/hello-world.json', '--dry-run', '--nos-usd', 'cheap'],
      { env },
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--nos-usd cheap is not a positive USD amount');
  }, 60_000);
});

describe('nosana job list', () => {
  it('shows a job whose result failed as FAILED, queued jobs first (newest first)', async () => {
    const poster = network.env(network.wallet(100_000_000n).path);
    const host = network.wallet();
    const hostClient = network.client(host.key);
    const flow = (status: 'success' | 'failed'): FlowState => ({
      status,
      startTime: 1,
      endTime: 2,
      opStates: [],
    });
    const post = async () =>
      (
        await runCommand(['job', 'post', '-f', 'examples/hello-world.json', '-t', '10m', '--json'], {
          env: poster,
        })
      ).json<Ok<JobPostResult>>().result;
    try {
      await hostClient.host.prepare();
      const finished: Record<string, string> = {};
      for (const status of ['failed', 'success'] as const) {
        await hostClient.host.work('cpu');
        const posted = await post();
        expect(posted.matched).toBe(true);
        const [run] = await hostClient.host.runs();
        await hostClient.host.finish({ run: run!, result: await putJson(hostClient.ipfs, flow(status)) });
        finished[status] = posted.job;
      }
      const queued = (await post()).job;

      const list = await runCommand(['job', 'list', '--mine', '--json'], { env: poster });
      expect(list.code, list.stderr).toBe(0);
      const jobs =
        list.json<Ok<{ jobs: Array<{ address: string; state: string; status: string | null }> }>>().result
          .jobs;
      expect(jobs[0]).toMatchObject({ address: queued, state: 'QUEUED', status: null });
      expect(jobs.find((j) => j.address === finished.failed)).toMatchObject({
        state: 'COMPLETED',
        status: 'failed',
      });
      expect(jobs.find((j) => j.address === finished.success)).toMatchObject({
        state: 'COMPLETED',
        status: 'success',
      });

      const text = await runCommand(['job', 'list', '--mine'], { env: poster });
      expect(text.stdout).toMatch(new RegExp(`${finished.failed} +FAILED`));
      expect(text.stdout).toMatch(new RegExp(`${finished.success} +COMPLETED`));
      expect(text.stdout.split('\n')[1]).toMatch(new RegExp(`^${queued} +QUEUED`));
    } finally {
      hostClient.close();
    }
  }, 120_000);
});
