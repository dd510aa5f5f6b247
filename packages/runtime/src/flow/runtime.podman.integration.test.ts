import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine, EngineInfo } from '../engine/types.js';
import { seedBusyboxImage } from '../images/seed-busybox.js';
import { createRuntime, DEFAULT_CAPABILITIES, LABELS, type RuntimeEvent } from './runtime.js';

/*
 * The runtime through Podman's Docker-compatible API. The file starts Podman itself (scripts/podman-up installs
 * it with apt and runs `podman system service` on a private socket), so it runs the same on a fresh CI clone;
 * that needs root on Debian/Ubuntu, and the file fails (it does not skip) where that is not possible.
 */
const repo = join(import.meta.dirname, '../../../..');
const example = (name: string) =>
  JSON.parse(readFileSync(join(repo, 'examples', name), 'utf8')) as JobDefinition;
const scope = `it-podman-${process.pid}`;
let endpoint: string;
let engine: ContainerEngine;
let docker: Docker;
let info: EngineInfo;

beforeAll(async () => {
  try {
    const { stdout } = await promisify(execFile)('bash', [join(repo, 'scripts/podman-up')], {
      timeout: 170_000,
    });
    endpoint = stdout.trim().split('\n').pop() ?? '';
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(
      `Podman could not be started by scripts/podman-up (the Podman tests need root on Debian/Ubuntu, as in CI):\n${stderr ?? (error as Error).message}`,
    );
  }
  ({ engine, docker, info } = await connectEngine({ host: endpoint, provider: 'podman' }));
  await seedBusyboxImage({ docker });
  await createRuntime({ engine, scope }).reap();
});

afterAll(async () => {
  if (engine) await createRuntime({ engine, scope }).reap();
});

const leftovers = async () => ({
  containers: (await engine.listContainers({ [LABELS.scope]: scope })).length,
  volumes: (await engine.listVolumes({ [LABELS.scope]: scope })).length,
  networks: (await engine.listNetworks({ [LABELS.scope]: scope })).length,
});
const job = (ops: JobDefinition['ops']): JobDefinition => ({ version: '0.1', type: 'container', ops });
const capabilityBits: Record<string, number> = {
  CHOWN: 0,
  DAC_OVERRIDE: 1,
  FOWNER: 3,
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  NET_BIND_SERVICE: 10,
};

describe('runtime on Podman (Docker-compatible API)', () => {
  it('is Podman answering on the socket scripts/podman-up printed', () => {
    expect(endpoint).toMatch(/^unix:\/\/\/.+\.sock$/);
    expect(info.kind).toBe('podman');
  });

  it('runs examples/hello-world.json: logs, results, NOSANA_ID, exit code 0, and leaves nothing behind', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'pm-hello',
      definition: example('hello-world.json'),
    });
    expect(state.status).toBe('success');
    const op = state.opStates[0]!;
    expect(op.exitCode).toBe(0);
    expect(op.logs.map((l) => l.log)).toEqual([
      'Hello from the Nosana Network!',
      'job=pm-hello',
      expect.stringMatching(/x86_64|aarch64/),
    ]);
    expect(op.logs.every((l) => l.type === 'stdout' && l.timestamp > 0)).toBe(true);
    expect(op.results).toEqual({ greeting: ['Hello from the Nosana Network!'] });
    expect(op.providerId).toMatch(/^[0-9a-f]{64}$/);
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('runs examples/multi-op-volume.json: a shared volume, groups in order, results passed by literals', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'pm-volume',
      definition: example('multi-op-volume.json'),
    });
    expect(state.status).toBe('success');
    const byId = Object.fromEntries(state.opStates.map((o) => [o.operationId, o]));
    expect(byId.generate?.results).toEqual({ lines: ['5'] });
    expect(byId.sum?.results).toEqual({ sum: ['15'] });
    expect(byId.count?.results).toEqual({ count: ['5'] });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('publishes an exposed port on 127.0.0.1, turns its health check ONLINE, and keeps the security defaults', async () => {
    const events: RuntimeEvent[] = [];
    let body = '';
    let inspected: Docker.ContainerInspectInfo | undefined;
    const runtime = createRuntime({ engine, scope, health: { startupIntervalMs: 200 } });
    const state = await runtime.runFlow({
      jobId: 'pm-web',
      definition: example('web-service.json'),
      deadline: Date.now() + 15_000,
      onEvent: async (event) => {
        events.push(event);
        if (event.type === 'endpoint' && event.status === 'ONLINE') {
          body = await (await fetch(event.url)).text();
          const [container] = await engine.listContainers({ [LABELS.scope]: scope, [LABELS.job]: 'pm-web' });
          inspected = await docker.getContainer(container!.id).inspect();
          runtime.stopFlow('pm-web', 'expired');
        }
      },
    });
    expect(body).toBe('Hello from a Nosana service\n');
    const online = events.find((e) => e.type === 'endpoint' && e.status === 'ONLINE') as Extract<
      RuntimeEvent,
      { type: 'endpoint' }
    >;
    expect(online.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(state.opStates[0]).toMatchObject({
      status: 'success',
      endpoints: [{ port: 8080, status: 'ONLINE' }],
      diagnostics: { reason: { jobExpired: true } },
    });
    // Podman reports CapDrop as the difference to its own defaults; what the container holds is checked in
    // the next test.
    expect(inspected?.HostConfig).toMatchObject({
      Privileged: false,
      SecurityOpt: ['no-new-privileges'],
      Init: true,
      PidsLimit: 4096,
    });
    expect(inspected?.HostConfig.Memory).toBeGreaterThan(0);
    expect(inspected?.HostConfig.Binds ?? []).toEqual([]);
    expect(inspected?.HostConfig.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: expect.stringMatching(/^\d+$/) }],
    });
    expect(inspected?.HostConfig.LogConfig?.Type).toBe('json-file');
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('gives containers exactly the default capabilities, no-new-privileges, an init as PID 1 and the job network', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'pm-caps',
      definition: job([
        {
          type: 'container/run',
          id: 'inside',
          args: {
            image: 'busybox:1.35',
            cmd: [
              'sh',
              '-c',
              'grep -E "^(CapEff|CapBnd|NoNewPrivs)" /proc/self/status; cat /proc/1/comm; ls /sys/class/net',
            ],
          },
        },
      ]),
    });
    expect(state.opStates[0]).toMatchObject({ status: 'success', exitCode: 0 });
    const lines = state.opStates[0]!.logs.map((l) => l.log);
    const mask = DEFAULT_CAPABILITIES.reduce((m, c) => m | (1n << BigInt(capabilityBits[c]!)), 0n);
    const hex = mask.toString(16).padStart(16, '0');
    expect(lines).toContain(`CapEff:\t${hex}`);
    expect(lines).toContain(`CapBnd:\t${hex}`);
    expect(lines).toContain('NoNewPrivs:\t1');
    expect(lines).toContain('podman-init');
    expect(lines).toEqual(expect.arrayContaining(['eth0', 'lo']));
  });

  it('reports a failing command with its exit code and stderr, and a missing executable as a failed op', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'pm-fail',
      definition: job([
        {
          type: 'container/run',
          id: 'exit3',
          args: { image: 'busybox:1.35', cmd: ['sh', '-c', 'echo broken >&2; exit 3'] },
          execution: { group: 'g' },
        },
        {
          type: 'container/run',
          id: 'nocmd',
          args: { image: 'busybox:1.35', cmd: ['/no/such/binary'] },
          execution: { group: 'g' },
        },
      ]),
    });
    expect(state.status).toBe('failed');
    expect(state.opStates[0]).toMatchObject({
      status: 'failed',
      exitCode: 3,
      logs: [{ type: 'stderr', log: 'broken' }],
    });
    // Podman's init (catatonit) exits 1 when it cannot exec the command; the runtime still names the cause.
    expect(state.opStates[1]).toMatchObject({
      status: 'failed',
      exitCode: 1,
      error: { event: 'exit', message: expect.stringContaining('was not found in the image') },
    });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('stops a batch op at the deadline with SIGTERM (forwarded by the init) and marks it stopped', async () => {
    const state = await createRuntime({ engine, scope, stopGraceSeconds: 5 }).runFlow({
      jobId: 'pm-deadline',
      definition: job([
        { type: 'container/run', id: 'sleeper', args: { image: 'busybox:1.35', cmd: ['sleep', '600'] } },
      ]),
      deadline: Date.now() + 1500,
    });
    expect(state.status).toBe('stopped');
    // 143 = SIGTERM: the op ended at the stop signal, not at the SIGKILL after the grace period (137).
    expect(state.opStates[0]).toMatchObject({
      status: 'stopped',
      exitCode: 143,
      diagnostics: { reason: { jobExpired: true } },
    });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('asks Podman for the CDI device nvidia.com/gpu=all, turns its refusal into RUNTIME__GPU_UNAVAILABLE, and removes the container', async () => {
    // The GPU container is created through the libpod endpoint (compat ignores DeviceRequests); it must carry
    // the same defaults and limits as any other container.
    const base = `pm-gpu-direct-${process.pid}`;
    const labels = { [LABELS.managed]: 'true', [LABELS.scope]: scope, [LABELS.job]: 'pm-gpu-direct' };
    await engine.createNetwork(base, { labels, internal: false });
    await engine.createVolume(base, labels);
    const id = await engine.createContainer({
      name: base,
      image: 'busybox:1.35',
      cmd: ['true'],
      env: { A: '1' },
      labels,
      volumes: [{ name: base, dest: '/data' }],
      ports: [8080],
      network: base,
      aliases: ['cuda'],
      gpu: { all: true },
      limits: { memoryBytes: 256 * 1024 * 1024, pids: 100, nanoCpus: 500_000_000 },
      logLimit: { maxSizeBytes: 1024 * 1024, maxFiles: 1 },
      capAdd: DEFAULT_CAPABILITIES,
    });
    try {
      const created = await docker.getContainer(id).inspect();
      expect(created.HostConfig).toMatchObject({
        Privileged: false,
        SecurityOpt: ['no-new-privileges'],
        Init: true,
        PidsLimit: 100,
        Memory: 256 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        NanoCpus: 500_000_000,
        CapAdd: [],
      });
      // Everything Podman would grant by default and the runtime does not keep is dropped.
      expect(created.HostConfig.CapDrop).toEqual(expect.arrayContaining(['NET_RAW', 'SYS_CHROOT', 'MKNOD']));
      expect(created.HostConfig.CapDrop).not.toEqual(expect.arrayContaining(['CHOWN']));
      expect(created.HostConfig.PortBindings?.['8080/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
      expect(created.Config.Env).toContain('A=1');
      expect(created.Config.Labels).toMatchObject(labels);
      expect(Object.keys(created.NetworkSettings.Networks)).toEqual([base]);
      expect(created.Mounts).toMatchObject([{ Type: 'volume', Name: base, Destination: '/data' }]);
      await expect(engine.startContainer(id)).rejects.toThrow(/nvidia\.com\/gpu=all/);
    } finally {
      await engine.removeContainer(id);
      await engine.removeVolume(base);
      await engine.removeNetwork(base);
    }

    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'pm-gpu',
      definition: job([
        {
          type: 'container/run',
          id: 'cuda',
          args: { image: 'busybox:1.35', gpu: true, cmd: ['nvidia-smi'] },
        },
      ]),
    });
    expect(state.opStates[0]).toMatchObject({
      status: 'failed',
      error: { code: 'RUNTIME__GPU_UNAVAILABLE', message: expect.stringContaining('CDI') },
    });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('resumes a flow after its process was killed (-9): the existing network and container are reused', async () => {
    const childDir = join(repo, 'packages/runtime/test');
    mkdirSync(childDir, { recursive: true });
    const child = join(childDir, `.crash-child-podman-${process.pid}.ts`);
    const definition = job([
      {
        type: 'container/run',
        id: 'work',
        args: { image: 'busybox:1.35', cmd: ['sh', '-c', 'echo started; sleep 2; echo finished'] },
      },
    ]);
    writeFileSync(
      child,
      `import { connectEngine, createRuntime } from '@nosana/runtime';
const { engine } = await connectEngine({ host: ${JSON.stringify(endpoint)} });
const runtime = createRuntime({ engine, scope: ${JSON.stringify(scope)} });
void runtime.runFlow({ jobId: 'pm-crash', definition: ${JSON.stringify(definition)} });
setInterval(() => {}, 1000);
`,
    );
    const proc = spawn(process.execPath, ['--conditions=@nosana/source', '--import', 'tsx', child], {
      cwd: join(repo, 'packages/runtime'),
      stdio: 'ignore',
    });
    const runtime = createRuntime({ engine, scope });
    try {
      for (let i = 0; i < 100 && !(await runtime.listJobs()).includes('pm-crash'); i++)
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      proc.kill('SIGKILL');
      rmSync(child, { force: true });
    }
    expect(await runtime.listJobs()).toContain('pm-crash');
    const resumed = await runtime.runFlow({ jobId: 'pm-crash', resume: true, definition });
    expect(resumed.opStates[0]).toMatchObject({ status: 'success', exitCode: 0 });
    expect(resumed.opStates[0]!.logs.map((l) => l.log)).toEqual(['started', 'finished']);
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('reaps what a dead process left behind (containers, volumes, networks of its scope) and nothing else', async () => {
    const labels = { [LABELS.managed]: 'true', [LABELS.scope]: scope, [LABELS.job]: 'pm-orphan' };
    const other = { ...labels, [LABELS.scope]: `${scope}-other` };
    await engine.createNetwork(`pm-orphan-net-${process.pid}`, { labels, internal: true });
    await engine.createVolume(`pm-orphan-vol-${process.pid}`, labels);
    await engine.createVolume(`pm-keep-vol-${process.pid}`, other);
    const spec = {
      image: 'busybox:1.35',
      cmd: ['sleep', '600'],
      env: {},
      volumes: [{ name: `pm-orphan-vol-${process.pid}`, dest: '/data' }],
      ports: [],
      limits: {},
      logLimit: { maxSizeBytes: 1024 * 1024, maxFiles: 1 },
      capAdd: DEFAULT_CAPABILITIES,
    };
    const running = await engine.createContainer({
      ...spec,
      name: `pm-orphan-run-${process.pid}`,
      labels,
      network: `pm-orphan-net-${process.pid}`,
    });
    await engine.startContainer(running);
    await engine.createContainer({ ...spec, name: `pm-orphan-created-${process.pid}`, labels });
    try {
      expect(await leftovers()).toEqual({ containers: 2, volumes: 1, networks: 1 });
      expect(await createRuntime({ engine, scope }).reap()).toEqual({
        containers: 2,
        volumes: 1,
        networks: 1,
      });
      expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
      expect((await engine.listVolumes({ [LABELS.scope]: `${scope}-other` })).map((v) => v.name)).toEqual([
        `pm-keep-vol-${process.pid}`,
      ]);
    } finally {
      await engine.removeVolume(`pm-keep-vol-${process.pid}`);
    }
  });
});
