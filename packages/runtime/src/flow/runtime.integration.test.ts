import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngineConformance, job } from '../../test/engine-conformance.js';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine } from '../engine/types.js';
import { seedBusyboxImage } from '../images/seed-busybox.js';
import { createRuntime, DEFAULT_CAPABILITIES } from './runtime.js';

/*
 * The runtime on the real Docker engine: the engine conformance suite (test/engine-conformance.ts, the
 * scenarios Podman passes too) with Docker's differences, then what is only tested here.
 */
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
  if (engine) await createRuntime({ engine, scope }).reap();
  files?.close();
});

describeEngineConformance(
  'runtime on the real Docker engine: engine conformance',
  async () => ({
    engine,
    docker,
    scope,
    connect: {},
    // scripts/docker-up starts dockerd with --icc=false (as in CI): one-container flows then use the default
    // bridge. A daemon that was already running may lack that setting; then they get a network of their own.
    singleContainerNetwork:
      (await engine.inspectNetwork('bridge'))?.options['com.docker.network.bridge.enable_icc'] === 'false'
        ? 'default bridge'
        : 'own network',
  }),
  {
    jobPrefix: 'it',
    initName: 'docker-init',
    // docker-init (tini) exits like a shell when it cannot exec the command.
    missingExecutableExitCode: 127,
    capabilities: { CapAdd: DEFAULT_CAPABILITIES, CapDrop: ['ALL'] },
    publishedHostPort: '',
    reportsLogLimits: true,
    gpu: {
      deviceRequests: [
        expect.objectContaining({
          Driver: 'nvidia',
          Count: -1,
          Capabilities: [['gpu', 'compute', 'utility']],
        }),
      ],
      refusal: /could not select device driver "nvidia" with capabilities: \[\[gpu compute utility\]\]/,
    },
  },
);

describe('runtime on the real Docker engine', () => {
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
    // The file server is on loopback, which hosts refuse unless the operator allows it.
    const downloads = { allow: ['127.0.0.1'] };
    const ok = await createRuntime({ engine, scope, downloads }).runFlow({
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
    const bad = await createRuntime({ engine, scope, downloads }).runFlow({
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
    const refused = await createRuntime({ engine, scope }).runFlow({
      jobId: 'it-resource-loopback',
      definition: job([
        {
          type: 'container/run',
          id: 'read',
          args: {
            image: 'busybox:1.35',
            cmd: ['true'],
            resources: [{ type: 'URL', url: `${filesUrl}/weights.bin`, target: '/w.bin' }],
          },
        },
      ]),
    });
    expect(refused.opStates[0]).toMatchObject({
      status: 'failed',
      error: { code: 'RUNTIME__RESOURCE_ADDRESS_REFUSED' },
    });
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
});
