import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { JobDefinition } from '@nosana/core';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine } from '../engine/types.js';
import { seedBusyboxImage } from '../images/seed-busybox.js';
import { createRuntime, LABELS, type RuntimeEvent } from './runtime.js';

const repo = join(import.meta.dirname, '../../../..');
const example = (name: string) =>
  JSON.parse(readFileSync(join(repo, 'examples', name), 'utf8')) as JobDefinition;
const scope = `it-runtime-${process.pid}`;
let engine: ContainerEngine;
let docker: Docker;
let files: Server;
let filesUrl: string;
const payload = Buffer.from('model weights v1\n');

beforeAll(async () => {
  ({ engine, docker } = await connectEngine());
  await seedBusyboxImage({ docker });
  files = createServer((request, response) => {
    if (request.url === '/weights.bin')
      response.writeHead(200, { 'content-length': String(payload.length) }).end(payload);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await createRuntime({ engine, scope }).reap();
  files.close();
});

const leftovers = async () => ({
  containers: (await engine.listContainers({ [LABELS.scope]: scope })).length,
  volumes: (await engine.listVolumes({ [LABELS.scope]: scope })).length,
  networks: (await engine.listNetworks({ [LABELS.scope]: scope })).length,
});
const job = (ops: JobDefinition['ops']): JobDefinition => ({ version: '0.1', type: 'container', ops });

describe('runtime on the real Docker engine', () => {
  it('runs examples/hello-world.json: logs, results, NOSANA_ID, and leaves nothing behind', async () => {
    const runtime = createRuntime({ engine, scope });
    const state = await runtime.runFlow({ jobId: 'it-hello', definition: example('hello-world.json') });
    expect(state.status).toBe('success');
    const op = state.opStates[0]!;
    expect(op.exitCode).toBe(0);
    expect(op.logs.map((l) => l.log)).toEqual([
      'Hello from the Nosana Network!',
      'job=it-hello',
      expect.stringMatching(/x86_64|aarch64/),
    ]);
    expect(op.results).toEqual({ greeting: ['Hello from the Nosana Network!'] });
    expect(op.providerId).toMatch(/^[0-9a-f]{64}$/);
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('runs examples/multi-op-volume.json: a shared volume, groups in order, results passed by literals', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-volume',
      definition: example('multi-op-volume.json'),
    });
    expect(state.status).toBe('success');
    const byId = Object.fromEntries(state.opStates.map((o) => [o.operationId, o]));
    expect(byId.generate?.results).toEqual({ lines: ['5'] });
    expect(byId.sum?.results).toEqual({ sum: ['15'] });
    expect(byId.sum?.logs[0]?.log).toBe('expecting 5 lines');
    expect(byId.count?.results).toEqual({ count: ['5'] });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('runs examples/web-service.json: the service is published on 127.0.0.1, its health check turns ONLINE, and it runs until the deadline', async () => {
    const events: RuntimeEvent[] = [];
    let body = '';
    let inspected: Docker.ContainerInspectInfo | undefined;
    const runtime = createRuntime({ engine, scope, health: { startupIntervalMs: 200 } });
    const state = await runtime.runFlow({
      jobId: 'it-web',
      definition: example('web-service.json'),
      deadline: Date.now() + 8000,
      onEvent: async (event) => {
        events.push(event);
        if (event.type === 'endpoint' && event.status === 'ONLINE') {
          body = await (await fetch(event.url)).text();
          const [container] = await engine.listContainers({ [LABELS.scope]: scope, [LABELS.job]: 'it-web' });
          inspected = await docker.getContainer(container!.id).inspect();
          runtime.stopFlow('it-web', 'expired');
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
    // Security defaults on the real container.
    expect(inspected?.HostConfig).toMatchObject({
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Init: true,
      PidsLimit: 4096,
    });
    expect(inspected?.HostConfig.Memory).toBeGreaterThan(0);
    expect(inspected?.HostConfig.Binds ?? []).toEqual([]);
    expect(inspected?.HostConfig.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    });
    expect(inspected?.HostConfig.LogConfig).toEqual({
      Type: 'json-file',
      Config: { 'max-file': '2', 'max-size': String(10 * 1024 * 1024) },
    });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('reports a failing command with its exit code and stderr, and a missing executable as a failed op', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-fail',
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
    expect(state.opStates[1]).toMatchObject({
      status: 'failed',
      exitCode: 127,
      error: { event: 'exit', message: expect.stringContaining('was not found in the image') },
    });
  });

  it('stops a batch op at the deadline quickly (init forwards SIGTERM) and marks it stopped', async () => {
    const started = Date.now();
    const state = await createRuntime({ engine, scope, stopGraceSeconds: 5 }).runFlow({
      jobId: 'it-deadline',
      definition: job([
        { type: 'container/run', id: 'sleeper', args: { image: 'busybox:1.35', cmd: ['sleep', '600'] } },
      ]),
      deadline: Date.now() + 1500,
    });
    expect(state.opStates[0]).toMatchObject({
      status: 'stopped',
      diagnostics: { reason: { jobExpired: true } },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(state.status).toBe('stopped');
  });

  it('turns the engine refusing a GPU into RUNTIME__GPU_UNAVAILABLE and removes the container', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-gpu',
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
      error: { code: 'RUNTIME__GPU_UNAVAILABLE' },
    });
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });

  it('fails clearly when an image is missing and cannot be pulled (no registry here)', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-pull',
      definition: job([
        { type: 'container/run', id: 'x', args: { image: 'registry.invalid/nosana/does-not-exist:1' } },
      ]),
    });
    expect(state.opStates[0]).toMatchObject({
      status: 'failed',
      error: { event: 'pull', code: 'RUNTIME__IMAGE_PULL_FAILED' },
    });
  });

  it('downloads a URL resource (size-capped, sha256-checked) into the container before it starts', async () => {
    const sha256 = createHash('sha256').update(payload).digest('hex');
    const ok = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-resource',
      definition: job([
        {
          type: 'container/run',
          id: 'read',
          args: {
            image: 'busybox:1.35',
            cmd: ['cat', '/models/weights.bin'],
            resources: [
              { type: 'URL', url: `${filesUrl}/weights.bin`, target: '/models/weights.bin', sha256 },
            ],
          },
        },
      ]),
    });
    expect(ok.opStates[0]).toMatchObject({ status: 'success', logs: [{ log: 'model weights v1' }] });
    const bad = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-resource-bad',
      definition: job([
        {
          type: 'container/run',
          id: 'read',
          args: {
            image: 'busybox:1.35',
            cmd: ['true'],
            resources: [
              { type: 'URL', url: `${filesUrl}/weights.bin`, target: '/w.bin', sha256: '0'.repeat(64) },
            ],
          },
        },
      ]),
    });
    expect(bad.opStates[0]).toMatchObject({ status: 'failed', error: { code: 'RUNTIME__RESOURCE_FAILED' } });
    expect(bad.opStates[0]!.error?.message).toContain('sha256 is');
  });

  it('restarts an op with restart_policy on-failure up to restart_tries, then reports it failed', async () => {
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-restart',
      definition: job([
        {
          type: 'container/run',
          id: 'flaky',
          args: {
            image: 'busybox:1.35',
            cmd: ['sh', '-c', 'echo attempt; exit 1'],
            restart_policy: { policy: 'on-failure', restart_tries: 2 },
          },
        },
      ]),
    });
    expect(state.opStates[0]).toMatchObject({
      status: 'failed',
      exitCode: 1,
      diagnostics: { state: { RestartCount: 2 } },
    });
    expect(state.opStates[0]!.logs.filter((l) => l.log === 'attempt').length).toBeGreaterThanOrEqual(3);
  });

  it('after the controlling process is killed (-9), a new process finds the job, resumes it to completion, and leaves nothing behind', async () => {
    // The child lives in the package so it resolves @nosana/runtime like any consumer.
    // (test/ holds only these throwaway files, so a fresh clone has no such folder yet.)
    const childDir = join(repo, 'packages/runtime/test');
    mkdirSync(childDir, { recursive: true });
    const child = join(childDir, `.crash-child-${process.pid}.ts`);
    writeFileSync(
      child,
      `import { connectEngine, createRuntime } from '@nosana/runtime';
const { engine } = await connectEngine();
const runtime = createRuntime({ engine, scope: ${JSON.stringify(scope)} });
void runtime.runFlow({ jobId: 'it-crash', definition: { version: '0.1', type: 'container', ops: [{ type: 'container/run', id: 'work', args: { image: 'busybox:1.35', cmd: ['sh', '-c', 'echo started; sleep 3; echo finished'] } }] } });
setInterval(() => {}, 1000);
`,
    );
    const proc = spawn(process.execPath, ['--conditions=@nosana/source', '--import', 'tsx', child], {
      cwd: join(repo, 'packages/runtime'),
      stdio: 'ignore',
    });
    const runtime = createRuntime({ engine, scope });
    for (let i = 0; i < 100 && !(await runtime.listJobs()).includes('it-crash'); i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    proc.kill('SIGKILL');
    rmSync(child, { force: true });
    expect(await runtime.listJobs()).toContain('it-crash');

    const resumed = await runtime.runFlow({
      jobId: 'it-crash',
      resume: true,
      definition: {
        version: '0.1',
        type: 'container',
        ops: [
          {
            type: 'container/run',
            id: 'work',
            args: { image: 'busybox:1.35', cmd: ['sh', '-c', 'echo started; sleep 3; echo finished'] },
          },
        ],
      },
    });
    expect(resumed.opStates[0]).toMatchObject({ status: 'success', exitCode: 0 });
    expect(resumed.opStates[0]!.logs.map((l) => l.log)).toEqual(['started', 'finished']);
    expect(await leftovers()).toEqual({ containers: 0, volumes: 0, networks: 0 });
  });
});
