import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine } from '../engine/types.js';
import { createRuntime, DEFAULT_CAPABILITIES, LABELS } from '../flow/runtime.js';
import { seedBusyboxImage } from '../images/seed-busybox.js';
import { detectGpus, NVIDIA_SMI_QUERY } from './detect.js';

/*
 * The GPU container path without a GPU: scripts/fake-gpu-dockerd starts a private second dockerd with a stub
 * nvidia-container-runtime-hook on its PATH, so dockerd's built-in nvidia device driver accepts the runtime's
 * DeviceRequests. The stub records its calls and puts the fixture nvidia-smi into GPU containers, as NVIDIA's
 * real hook mounts the driver's tools. Needs root (CI runs as root) and dockerd (scripts/docker-up).
 */
const pkg = join(import.meta.dirname, '../..');
const script = join(pkg, 'scripts/fake-gpu-dockerd');
const fixtures = join(pkg, 'test/fixtures/fake-gpu');
const state = '/run/nosana-fake-gpu-docker';
const dataRoot = '/var/lib/nosana-fake-gpu-docker';
const socket = '/run/nosana-fake-gpu-docker.sock';
const hookLog = join(state, 'hook.log');
const scope = `it-gpu-${process.pid}`;
const fakeGpuDockerd = (command: 'start' | 'stop') =>
  promisify(execFile)('bash', [script, command], { timeout: 90_000 }).catch((error) => {
    throw new Error(
      `scripts/fake-gpu-dockerd ${command} failed (it needs root and dockerd):\n${error.stderr}`,
    );
  });
let engine: ContainerEngine;
let docker: Docker;
let running = false;
let hostBridge: boolean;

beforeAll(async () => {
  hostBridge = existsSync('/sys/class/net/docker0');
  const { stdout } = await fakeGpuDockerd('start');
  running = true;
  expect(stdout.trim()).toBe(`unix://${socket}`);
  ({ engine, docker } = await connectEngine({ host: stdout.trim(), provider: 'docker' }));
  await seedBusyboxImage({ docker });
});

afterAll(async () => {
  if (running) await fakeGpuDockerd('stop');
});

const job = (ops: JobDefinition['ops']): JobDefinition => ({ version: '0.1', type: 'container', ops });
/** An op that prints what a CUDA program would look at: the NVIDIA environment and nvidia-smi's GPU list. */
const gpuOp = (gpu: boolean): JobDefinition =>
  job([
    {
      type: 'container/run',
      id: 'cuda',
      args: {
        image: 'busybox:1.35',
        gpu,
        env: { PATH: '/usr/bin:/bin' },
        cmd: [
          'sh',
          '-c',
          `env | grep ^NVIDIA_ | sort; if command -v nvidia-smi >/dev/null; then nvidia-smi ${NVIDIA_SMI_QUERY.join(' ')}; else echo no-nvidia-smi; fi`,
        ],
      },
      results: { gpus: '(?<=^\\d, )NVIDIA [^,]+' },
    },
  ]);
const hookCalls = () =>
  readFileSync(hookLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '));

describe('GPU containers on a dockerd with a stub NVIDIA hook', () => {
  it('gives a gpu: true op every GPU: NVIDIA_VISIBLE_DEVICES=all, compute and utility, the hook at prestart', async () => {
    const result = await createRuntime({ engine, scope }).runFlow({
      jobId: 'gpu-all',
      definition: gpuOp(true),
    });
    const op = result.opStates[0]!;
    expect(op).toMatchObject({ status: 'success', exitCode: 0 });
    const lines = op.logs.map((l) => l.log);
    expect(lines).toContain('NVIDIA_VISIBLE_DEVICES=all');
    const capabilities = lines.find((l) => l.startsWith('NVIDIA_DRIVER_CAPABILITIES='))?.split('=')[1];
    expect(capabilities?.split(',')).toEqual(expect.arrayContaining(['compute', 'utility']));
    expect(op.results).toEqual({ gpus: ['NVIDIA H100 80GB HBM3', 'NVIDIA GeForce RTX 4090'] });
    expect(hookCalls()).toContainEqual(['prestart', op.providerId, expect.stringContaining(op.providerId!)]);
  });

  it('gives an op only the selected GPU when the runtime is configured with ids', async () => {
    const result = await createRuntime({ engine, scope, gpus: { ids: ['0'] } }).runFlow({
      jobId: 'gpu-one',
      definition: gpuOp(true),
    });
    const op = result.opStates[0]!;
    expect(op).toMatchObject({ status: 'success', exitCode: 0 });
    expect(op.logs.map((l) => l.log)).toContain('NVIDIA_VISIBLE_DEVICES=0');
    expect(op.results).toEqual({ gpus: ['NVIDIA H100 80GB HBM3'] });
    expect(hookCalls().map(([stage, id]) => [stage, id])).toContainEqual(['prestart', op.providerId]);
  });

  it('gives an op without gpu no NVIDIA environment, no hook call and no nvidia-smi', async () => {
    const before = hookCalls().length;
    const result = await createRuntime({ engine, scope }).runFlow({
      jobId: 'gpu-none',
      definition: gpuOp(false),
    });
    expect(result.opStates[0]).toMatchObject({ status: 'success', logs: [{ log: 'no-nvidia-smi' }] });
    expect(hookCalls()).toHaveLength(before);
  });

  it('creates the GPU container with an nvidia DeviceRequest and the usual security defaults', async () => {
    const labels = { [LABELS.managed]: 'true', [LABELS.scope]: scope, [LABELS.job]: 'gpu-direct' };
    const id = await engine.createContainer({
      name: `gpu-direct-${process.pid}`,
      image: 'busybox:1.35',
      cmd: ['sh', '-c', 'echo "$NVIDIA_VISIBLE_DEVICES $NVIDIA_DRIVER_CAPABILITIES"'],
      env: {},
      labels,
      volumes: [],
      ports: [],
      gpu: { ids: ['0', '1'] },
      limits: { pids: 64 },
      logLimit: { maxSizeBytes: 1024 * 1024, maxFiles: 1 },
      capAdd: DEFAULT_CAPABILITIES,
    });
    try {
      const inspected = await docker.getContainer(id).inspect();
      expect(inspected.HostConfig).toMatchObject({
        DeviceRequests: [
          { Driver: 'nvidia', DeviceIDs: ['0', '1'], Capabilities: [['gpu', 'compute', 'utility']] },
        ],
        Privileged: false,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Init: true,
        PidsLimit: 64,
      });
      const { exited } = await engine.startContainer(id);
      expect(await exited).toEqual({ exitCode: 0 });
      // The driver sets the variables in the OCI spec (the container's config does not have them).
      const lines = [];
      for await (const batch of engine.logs(id, { follow: false }))
        lines.push(...batch.map((line) => line.line));
      expect(lines).toEqual(['0,1 compute,utility']);
      expect(hookCalls().map(([stage, hookId]) => [stage, hookId])).toContainEqual(['prestart', id]);
    } finally {
      await engine.removeContainer(id);
    }
    expect(await engine.listContainers({ [LABELS.scope]: scope })).toEqual([]);
  });

  it('detects the fixture GPUs with the real detectGpus through a fake nvidia-smi on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = `${fixtures}${delimiter}${path}`;
    try {
      const found = await detectGpus();
      expect(found).toEqual({
        gpus: [
          {
            index: 0,
            name: 'NVIDIA H100 80GB HBM3',
            uuid: 'GPU-6f9c1a4e-0d3b-4f5e-9d2a-1b2c3d4e5f60',
            memoryMiB: 81559,
            driverVersion: '550.54.15',
          },
          {
            index: 1,
            name: 'NVIDIA GeForce RTX 4090',
            uuid: 'GPU-11111111-2222-3333-4444-555555555555',
            memoryMiB: 24564,
            driverVersion: '550.54.15',
          },
        ],
        cudaVersion: '12.4',
      });
      // What the host detects is what a GPU container is given: run one on a GPU picked by UUID.
      const result = await createRuntime({ engine, scope, gpus: { ids: [found.gpus[1]!.uuid] } }).runFlow({
        jobId: 'gpu-uuid',
        definition: gpuOp(true),
      });
      expect(result.opStates[0]!.logs.map((l) => l.log)).toContain(
        `NVIDIA_VISIBLE_DEVICES=${found.gpus[1]!.uuid}`,
      );
      expect(result.opStates[0]!.results).toEqual({ gpus: [found.gpus[1]!.name] });
    } finally {
      process.env.PATH = path;
    }
  });

  it('stops the fake-GPU dockerd and leaves nothing behind, with the main Docker engine untouched', async () => {
    expect(await createRuntime({ engine, scope }).reap()).toEqual({ containers: 0, volumes: 0, networks: 0 });
    const pid = Number(readFileSync(join(state, 'dockerd.pid'), 'utf8'));
    await fakeGpuDockerd('stop');
    running = false;
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect([socket, state, dataRoot].filter((p) => existsSync(p))).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toMatch(/nosana-fake-gpu-docker/);
    // It ran in its own network namespace: the main daemon's bridge is still there and it still answers.
    const main = await connectEngine({ provider: 'docker' });
    expect(main.endpoint).not.toContain('fake-gpu');
    expect(existsSync('/sys/class/net/docker0')).toBe(hostBridge);
    expect((await main.engine.info()).kind).toBe('docker');
  });
});
