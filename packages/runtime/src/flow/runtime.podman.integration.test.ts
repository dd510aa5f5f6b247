import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngineConformance } from '../../test/engine-conformance.js';
import { connectEngine } from '../engine/discover.js';
import type { ContainerEngine, EngineInfo } from '../engine/types.js';
import { seedBusyboxImage } from '../images/seed-busybox.js';
import { createRuntime } from './runtime.js';

/*
 * The runtime through Podman's Docker-compatible API: the engine conformance suite (test/engine-conformance.ts,
 * the scenarios Docker passes too) with Podman's differences. The file starts Podman itself (scripts/podman-up
 * installs it with apt and runs `podman system service` on a private socket), so it runs the same on a fresh CI
 * clone; that needs root on Debian/Ubuntu, and the file fails (it does not skip) where that is not possible.
 */
const repo = join(import.meta.dirname, '../../../..');
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

describe('runtime on Podman (Docker-compatible API)', () => {
  it('is Podman answering on the socket scripts/podman-up printed', () => {
    expect(endpoint).toMatch(/^unix:\/\/\/.+\.sock$/);
    expect(info.kind).toBe('podman');
  });
});

describeEngineConformance(
  'runtime on Podman (Docker-compatible API): engine conformance',
  async () => ({
    engine,
    docker,
    scope,
    connect: { host: endpoint, provider: 'podman' },
    // The default-bridge shortcut is Docker's (icc=false); on Podman every flow gets a network of its own.
    singleContainerNetwork: 'own network',
  }),
  {
    jobPrefix: 'pm',
    initName: 'podman-init',
    // Podman's init (catatonit) exits 1 when it cannot exec the command; the runtime still names the cause.
    missingExecutableExitCode: 1,
    // Podman reports CapDrop as the difference to its own default set, and CapAdd as none beyond it.
    capabilities: { CapAdd: [], CapDrop: expect.arrayContaining(['NET_RAW', 'SYS_CHROOT', 'MKNOD']) },
    publishedHostPort: expect.stringMatching(/^\d+$/),
    reportsLogLimits: false,
    // GPU containers are created through the libpod endpoint with the CDI device nvidia.com/gpu=all (the
    // compat API ignores DeviceRequests); inspect does not show CDI devices, the refusal names it.
    gpu: { deviceRequests: [], refusal: /unresolvable CDI devices nvidia\.com\/gpu=all/ },
  },
);
