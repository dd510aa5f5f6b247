import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JobDefinition } from '@nosana/core';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine } from '../engine/types.js';
import { seedBusyboxImage } from '../images/seed-busybox.js';
import { createRuntime, LABELS } from './runtime.js';

/*
 * On a Docker daemon run with `"icc": false`, a flow with one container uses the default bridge instead of a
 * network of its own (Docker spends ~250 ms of iptables work creating and removing one). This checks, on a
 * real daemon with that setting (the private second dockerd of scripts/fake-gpu-dockerd, started with
 * --icc=false), that such containers still cannot reach each other, while the ops of one job on their own
 * network can. Needs root and dockerd, like the GPU wiring test.
 */
const script = join(import.meta.dirname, '../../scripts/fake-gpu-dockerd');
const daemon = (...args: string[]) =>
  promisify(execFile)('bash', [script, ...args], { timeout: 90_000 }).catch((error) => {
    throw new Error(
      `scripts/fake-gpu-dockerd ${args.join(' ')} failed (needs root and dockerd):\n${error.stderr}`,
    );
  });
const scope = `it-bridge-${process.pid}`;
let engine: ContainerEngine;
let docker: Docker;
let running = false;

beforeAll(async () => {
  const { stdout } = await daemon('start', '--', '--icc=false');
  running = true;
  ({ engine, docker } = await connectEngine({ host: stdout.trim(), provider: 'docker' }));
  await seedBusyboxImage({ docker });
});

afterAll(async () => {
  if (!running) return;
  await createRuntime({ engine, scope }).reap();
  await daemon('stop');
});

const job = (ops: JobDefinition['ops']): JobDefinition => ({ version: '0.1', type: 'container', ops });
/**
 * Asks an HTTP server on port 8080 for its status line, `tries` times 0.2 s apart (a server may still be
 * starting); prints `unreachable` when nothing answered (each try waits up to 2 s).
 */
const probe = (target: string, tries = 1) =>
  `for i in $(seq 1 ${tries}); do line=$(printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${target} 8080 2>/dev/null | head -1 | tr -d '\\r'); [ -n "$line" ] && break; sleep 0.2; done; echo "\${line:-unreachable}"`;
const leftovers = async () => ({
  containers: (await engine.listContainers({ [LABELS.scope]: scope })).length,
  networks: (await engine.listNetworks({ [LABELS.scope]: scope })).length,
});

describe('one-container flows on an isolating default bridge (icc=false)', () => {
  it('runs a one-container flow on the default bridge, creating no network, and keeps it apart from other jobs', async () => {
    const runtime = createRuntime({ engine, scope });
    let serverRunning!: () => void;
    const serverUp = new Promise<void>((resolve) => {
      serverRunning = resolve;
    });
    const server = runtime.runFlow({
      jobId: 'bridge-server',
      definition: job([
        {
          type: 'container/run',
          id: 'server',
          args: { image: 'busybox:1.35', cmd: ['httpd', '-f', '-p', '8080', '-h', '/'] },
        },
      ]),
      onEvent: (event) => {
        if (event.type === 'op-status' && event.status === 'running') serverRunning();
      },
    });
    await serverUp;
    const [container] = await engine.listContainers({ [LABELS.scope]: scope, [LABELS.job]: 'bridge-server' });
    const inspected = await docker.getContainer(container!.id).inspect();
    expect(inspected.HostConfig.NetworkMode).toBe('bridge');
    expect(Object.keys(inspected.NetworkSettings.Networks)).toEqual(['bridge']);
    expect(await leftovers()).toEqual({ containers: 1, networks: 0 });
    const serverIp = inspected.NetworkSettings.Networks.bridge!.IPAddress;
    expect(serverIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // The server answers (asked from inside its own container)…
    const exec = await docker.getContainer(container!.id).exec({
      Cmd: ['sh', '-c', probe('127.0.0.1', 25)],
      AttachStdout: true,
      AttachStderr: true,
    });
    const output = await exec.start({});
    let answer = '';
    for await (const chunk of output) answer += (chunk as Buffer).toString('latin1');
    expect(answer).toContain('HTTP/1.1 404 Not Found');

    // …but another job's container on the same bridge cannot reach it.
    const intruder = await runtime.runFlow({
      jobId: 'bridge-intruder',
      definition: job([
        {
          type: 'container/run',
          id: 'probe',
          args: { image: 'busybox:1.35', cmd: ['sh', '-c', probe(serverIp)] },
        },
      ]),
    });
    expect(intruder.opStates[0]).toMatchObject({ status: 'success', logs: [{ log: 'unreachable' }] });

    runtime.stopFlow('bridge-server');
    expect((await server).opStates[0]).toMatchObject({ status: 'stopped' });
    expect(await leftovers()).toEqual({ containers: 0, networks: 0 });
  });

  it('still gives a job with several containers a network of its own, on which its ops reach each other', async () => {
    const runtime = createRuntime({ engine, scope });
    let networks: string[] = [];
    const state = await runtime.runFlow({
      jobId: 'bridge-pair',
      definition: job([
        {
          type: 'container/run',
          id: 'server',
          args: { image: 'busybox:1.35', cmd: ['httpd', '-f', '-p', '8080', '-h', '/'] },
          execution: { group: 'pair' },
        },
        {
          type: 'container/run',
          id: 'client',
          args: { image: 'busybox:1.35', cmd: ['sh', '-c', probe('server', 25)] },
          execution: { group: 'pair' },
        },
      ]),
      onEvent: async (event) => {
        if (event.type === 'op-status' && event.opId === 'client' && event.status === 'running') {
          networks = (await engine.listNetworks({ [LABELS.scope]: scope, [LABELS.job]: 'bridge-pair' })).map(
            (n) => n.name,
          );
        }
        if (event.type === 'op-status' && event.opId === 'client' && event.status === 'success')
          runtime.stopFlow('bridge-pair');
      },
    });
    expect(networks).toEqual([expect.stringMatching(/-bridge-pair$/)]);
    expect(state.opStates[1]).toMatchObject({ status: 'success', logs: [{ log: 'HTTP/1.1 404 Not Found' }] });
    expect(await leftovers()).toEqual({ containers: 0, networks: 0 });
  });

  it('stops the second dockerd', async () => {
    await daemon('stop');
    running = false;
    expect((await connectEngine({ provider: 'docker' })).endpoint).not.toContain('fake-gpu');
  });
});
