/**
 * The engine conformance suite: the runtime scenarios that must hold on every container engine the runtime
 * supports, written once. Each engine's integration test file (src/flow/runtime.integration.test.ts for Docker,
 * src/flow/runtime.podman.integration.test.ts for Podman) sets its engine up, registers this suite with
 * {@link describeEngineConformance}, states where that engine legitimately differs ({@link EngineDifferences}),
 * and keeps the tests only it runs.
 *
 * A test helper, like test/ of other packages: not a test file itself (vitest collects `*.test.ts` only), not
 * exported from the package index and not published (package.json "files" holds dist and src, not test).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobDefinition } from '@nosana/core';
import type Docker from 'dockerode';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContainerEngine } from '../src/engine/types.js';
import { createRuntime, DEFAULT_CAPABILITIES, LABELS, type RuntimeEvent } from '../src/flow/runtime.js';
import { type EngineDifferences, type EngineUnderTest, job } from './engine-under-test.js';

export { type EngineDifferences, type EngineUnderTest, job } from './engine-under-test.js';

const pkg = join(import.meta.dirname, '..');
const repo = join(pkg, '../..');
const example = (name: string) =>
  JSON.parse(readFileSync(join(repo, 'examples', name), 'utf8')) as JobDefinition;

/** Bit numbers of the capabilities in /proc/self/status masks (linux/capability.h). */
const capabilityBits: Record<string, number> = {
  CHOWN: 0,
  DAC_OVERRIDE: 1,
  FOWNER: 3,
  KILL: 5,
  SETGID: 6,
  SETUID: 7,
  NET_BIND_SERVICE: 10,
};

/**
 * Registers the engine conformance tests under `title`: the examples (hello-world, multi-op-volume,
 * web-service), security defaults and capabilities, failures, the deadline, GPU requests and their refusal,
 * resume after a crash, and the reaper. `setup` runs in a beforeAll of the suite, after the file's own.
 *
 * @example
 * describeEngineConformance(
 *   'runtime on the real Docker engine: engine conformance',
 *   async () => ({ engine, docker, scope, connect: {}, singleContainerNetwork: 'default bridge' }),
 *   { jobPrefix: 'it', initName: 'docker-init', missingExecutableExitCode: 127, ... },
 * );
 */
export function describeEngineConformance(
  title: string,
  setup: () => Promise<EngineUnderTest>,
  differences: EngineDifferences,
): void {
  describe(title, () => {
    const ctx = createConformance(setup, differences);
    beforeAll(ctx.setUp);
    registerExamples(ctx);
    registerServiceExample(ctx);
    registerIsolationAndFailures(ctx);
    registerGpuRequests(ctx);
    registerCrashRecovery(ctx);
  });
}

/** What every conformance test reads: the engine under test (set in beforeAll) and shared expectations. */
interface Conformance {
  setUp: () => Promise<void>;
  under: EngineUnderTest;
  engine: ContainerEngine;
  docker: Docker;
  scope: string;
  differences: EngineDifferences;
  id: (name: string) => string;
  leftovers: () => Promise<{ containers: number; volumes: number; networks: number }>;
  nothingLeft: { containers: number; volumes: number; networks: number };
  expectCapabilities: (host: Docker.HostConfig) => void;
  expectLogConfig: (host: Docker.HostConfig, limit: { maxSizeBytes: number; maxFiles: number }) => void;
}

function createConformance(
  setup: () => Promise<EngineUnderTest>,
  differences: EngineDifferences,
): Conformance {
  const ctx = {
    differences,
    async setUp() {
      ctx.under = await setup();
      ({ engine: ctx.engine, docker: ctx.docker, scope: ctx.scope } = ctx.under);
    },
    id: (name: string) => `${differences.jobPrefix}-${name}`,
    leftovers: async () => ({
      containers: (await ctx.engine.listContainers({ [LABELS.scope]: ctx.scope })).length,
      volumes: (await ctx.engine.listVolumes({ [LABELS.scope]: ctx.scope })).length,
      networks: (await ctx.engine.listNetworks({ [LABELS.scope]: ctx.scope })).length,
    }),
    nothingLeft: { containers: 0, volumes: 0, networks: 0 },
    /** Capabilities as inspect reports them: the engine's form, and none of the kept ones dropped. */
    expectCapabilities: (host: Docker.HostConfig) => {
      expect({ CapAdd: host.CapAdd, CapDrop: host.CapDrop }).toEqual(differences.capabilities);
      for (const capability of DEFAULT_CAPABILITIES) expect(host.CapDrop ?? []).not.toContain(capability);
    },
    expectLogConfig: (host: Docker.HostConfig, limit: { maxSizeBytes: number; maxFiles: number }) =>
      expect(host.LogConfig).toEqual(
        differences.reportsLogLimits
          ? {
              Type: 'json-file',
              Config: { 'max-file': String(limit.maxFiles), 'max-size': String(limit.maxSizeBytes) },
            }
          : expect.objectContaining({ Type: 'json-file' }),
      ),
  } as Conformance;
  return ctx;
}

/** The examples and byte-exact output. */
function registerExamples(ctx: Conformance): void {
  it('runs examples/hello-world.json: logs, results, NOSANA_ID, exit code 0, and leaves nothing behind', async () => {
    const { engine, scope, id, leftovers, nothingLeft } = ctx;
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: id('hello'),
      definition: example('hello-world.json'),
    });
    expect(state.status).toBe('success');
    const op = state.opStates[0]!;
    expect(op.exitCode).toBe(0);
    expect(op.logs.map((l) => l.log)).toEqual([
      'Hello from the Nosana Network!',
      `job=${id('hello')}`,
      expect.stringMatching(/x86_64|aarch64/),
    ]);
    expect(op.logs.every((l) => l.type === 'stdout' && l.timestamp > 0)).toBe(true);
    expect(op.results).toEqual({ greeting: ['Hello from the Nosana Network!'] });
    expect(op.providerId).toMatch(/^[0-9a-f]{64}$/);
    expect(await leftovers()).toEqual(nothingLeft);
  });

  it('keeps output byte-exact whatever its framing: a whole output of one line without a newline, on stdout and stderr, is never lost', async () => {
    const { engine, scope, id, leftovers, nothingLeft } = ctx;
    // Docker stores a last line without a newline only as the container exits, after a followed log may have
    // ended: it was lost about one run in three. Six such ops at once, twice, make a loss near certain.
    const unterminated = (n: number) => ({
      type: 'container/run' as const,
      id: `u${n}`,
      args: {
        image: 'busybox:1.35',
        cmd: ['sh', '-c', n % 2 ? `printf 'result=${n}'` : `printf 'tab\\there é€ result=${n}' >&2`],
      },
      results: { r: 'result=[0-9]+' },
      execution: { group: 'all' },
    });
    const definition = job([
      ...[0, 1, 2, 3, 4].map(unterminated),
      {
        type: 'container/run',
        id: 'mixed',
        args: { image: 'busybox:1.35', cmd: ['sh', '-c', "printf 'first\\n\\nresult=9'"] },
        results: { r: 'result=[0-9]+' },
        execution: { group: 'all' },
      },
    ]);
    for (const round of [1, 2]) {
      const state = await createRuntime({ engine, scope }).runFlow({
        jobId: id(`unterminated-${round}`),
        definition,
      });
      expect(state.status).toBe('success');
      for (const n of [0, 1, 2, 3, 4]) {
        const op = state.opStates[n]!;
        expect(op.logs.map((l) => [l.type, l.log])).toEqual([
          n % 2 ? ['stdout', `result=${n}`] : ['stderr', `tab\there é€ result=${n}`],
        ]);
        expect(op.results).toEqual({ r: [`result=${n}`] });
      }
      expect(state.opStates[5]!.logs.map((l) => l.log)).toEqual(['first', '', 'result=9']);
      expect(state.opStates[5]!.results).toEqual({ r: ['result=9'] });
    }
    expect(await leftovers()).toEqual(nothingLeft);
  });

  it('runs examples/multi-op-volume.json: a shared volume, groups in order, results passed by literals', async () => {
    const { engine, scope, id, leftovers, nothingLeft } = ctx;
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: id('volume'),
      definition: example('multi-op-volume.json'),
    });
    expect(state.status).toBe('success');
    const byId = Object.fromEntries(state.opStates.map((o) => [o.operationId, o]));
    expect(byId.generate?.results).toEqual({ lines: ['5'] });
    expect(byId.sum?.results).toEqual({ sum: ['15'] });
    expect(byId.sum?.logs[0]?.log).toBe('expecting 5 lines');
    expect(byId.count?.results).toEqual({ count: ['5'] });
    expect(await leftovers()).toEqual(nothingLeft);
  });
}

/** A service: published on loopback, healthy, kept until the deadline. */
function registerServiceExample(ctx: Conformance): void {
  it('runs examples/web-service.json: published on 127.0.0.1, health check ONLINE, runs until the deadline, with the security defaults and the network a one-container flow gets', async () => {
    const {
      engine,
      docker,
      scope,
      under,
      id,
      leftovers,
      nothingLeft,
      expectCapabilities,
      expectLogConfig,
      differences,
    } = ctx;
    const jobId = id('web');
    const events: RuntimeEvent[] = [];
    let body = '';
    let inspected: Docker.ContainerInspectInfo | undefined;
    let jobNetworks: string[] = [];
    const runtime = createRuntime({ engine, scope, health: { startupIntervalMs: 200 } });
    const state = await runtime.runFlow({
      jobId,
      definition: example('web-service.json'),
      deadline: Date.now() + 15_000,
      onEvent: async (event) => {
        events.push(event);
        if (event.type === 'endpoint' && event.status === 'ONLINE') {
          body = await (await fetch(event.url)).text();
          const ofJob = { [LABELS.scope]: scope, [LABELS.job]: jobId };
          const [container] = await engine.listContainers(ofJob);
          inspected = await docker.getContainer(container!.id).inspect();
          jobNetworks = (await engine.listNetworks(ofJob)).map((n) => n.name);
          runtime.stopFlow(jobId, 'expired');
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
    const host = inspected!.HostConfig;
    expect(host).toMatchObject({
      Privileged: false,
      SecurityOpt: ['no-new-privileges'],
      Init: true,
      PidsLimit: 4096,
    });
    expectCapabilities(host);
    expect(host.Memory).toBeGreaterThan(0);
    expect(host.Binds ?? []).toEqual([]);
    expect(host.PortBindings).toEqual({
      '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: differences.publishedHostPort }],
    });
    expectLogConfig(host, { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 2 });
    // One container: the isolating default bridge (no network created), or a network of the job's own.
    const attached = Object.keys(inspected!.NetworkSettings.Networks);
    if (under.singleContainerNetwork === 'default bridge') {
      expect(jobNetworks).toEqual([]);
      expect(attached).toEqual(['bridge']);
    } else {
      expect(jobNetworks).toEqual([expect.stringMatching(new RegExp(`-${jobId}$`))]);
      expect(attached).toEqual(jobNetworks);
    }
    expect(await leftovers()).toEqual(nothingLeft);
  });
}

/** Security defaults, failures and the deadline. */
function registerIsolationAndFailures(ctx: Conformance): void {
  it(`gives containers exactly the default capabilities, no-new-privileges, the engine's init (${ctx.differences.initName}) as PID 1 and a network interface`, async () => {
    const { engine, scope, id, leftovers, nothingLeft, differences } = ctx;
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: id('caps'),
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
    expect(lines).toContain(differences.initName);
    expect(lines).toEqual(expect.arrayContaining(['eth0', 'lo']));
    expect(await leftovers()).toEqual(nothingLeft);
  });

  it('reports a failing command with its exit code and stderr, and a missing executable as a failed op', async () => {
    const { engine, scope, id, leftovers, nothingLeft, differences } = ctx;
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: id('fail'),
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
    // The exit code is the init's (see EngineDifferences); the runtime names the cause the same on every engine.
    expect(state.opStates[1]).toMatchObject({
      status: 'failed',
      exitCode: differences.missingExecutableExitCode,
      error: { event: 'exit', message: expect.stringContaining('was not found in the image') },
    });
    expect(await leftovers()).toEqual(nothingLeft);
  });

  it('stops a batch op at the deadline quickly with SIGTERM (forwarded by the init) and marks it stopped', async () => {
    const { engine, scope, id, leftovers, nothingLeft } = ctx;
    const started = Date.now();
    const state = await createRuntime({ engine, scope, stopGraceSeconds: 5 }).runFlow({
      jobId: id('deadline'),
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
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await leftovers()).toEqual(nothingLeft);
  });
}

/** GPU requests and their refusal on a GPU-less host. */
function registerGpuRequests(ctx: Conformance): void {
  it("creates a GPU container in the engine's request form with the same defaults and limits as any other, and the engine refuses to start it on this GPU-less host", async () => {
    const {
      engine,
      docker,
      scope,
      id,
      leftovers,
      nothingLeft,
      expectCapabilities,
      expectLogConfig,
      differences,
    } = ctx;
    const base = `${id('gpu-direct')}-${process.pid}`;
    const labels = { [LABELS.managed]: 'true', [LABELS.scope]: scope, [LABELS.job]: id('gpu-direct') };
    await engine.createNetwork(base, { labels, internal: false });
    await engine.createVolume(base, labels);
    const logLimit = { maxSizeBytes: 1024 * 1024, maxFiles: 1 };
    const container = await engine.createContainer({
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
      logLimit,
      capAdd: DEFAULT_CAPABILITIES,
    });
    try {
      const created = await docker.getContainer(container).inspect();
      expect(created.HostConfig).toMatchObject({
        Privileged: false,
        SecurityOpt: ['no-new-privileges'],
        Init: true,
        PidsLimit: 100,
        Memory: 256 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        NanoCpus: 500_000_000,
      });
      expectCapabilities(created.HostConfig);
      expectLogConfig(created.HostConfig, logLimit);
      expect(created.HostConfig.DeviceRequests ?? []).toEqual(differences.gpu.deviceRequests);
      expect(created.HostConfig.PortBindings?.['8080/tcp']?.[0]?.HostIp).toBe('127.0.0.1');
      expect(created.Config.Env).toContain('A=1');
      expect(created.Config.Labels).toMatchObject(labels);
      expect(Object.keys(created.NetworkSettings.Networks)).toEqual([base]);
      expect(created.Mounts).toMatchObject([{ Type: 'volume', Name: base, Destination: '/data' }]);
      await expect(engine.startContainer(container)).rejects.toThrow(differences.gpu.refusal);
    } finally {
      await engine.removeContainer(container);
      await engine.removeVolume(base);
      await engine.removeNetwork(base);
    }
    expect(await leftovers()).toEqual(nothingLeft);
  });

  it("turns the engine's refusal of a GPU into RUNTIME__GPU_UNAVAILABLE with the engine's reason, and removes the container", async () => {
    const { engine, scope, id, leftovers, nothingLeft, differences } = ctx;
    const state = await createRuntime({ engine, scope }).runFlow({
      jobId: id('gpu'),
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
      error: { code: 'RUNTIME__GPU_UNAVAILABLE', message: expect.stringMatching(differences.gpu.refusal) },
    });
    expect(await leftovers()).toEqual(nothingLeft);
  });
}

/** Resume after a crash (kill -9) and the reaper. */
function registerCrashRecovery(ctx: Conformance): void {
  it('after the controlling process is killed (-9), a new process finds the job, resumes it to completion on the same container and network, and leaves nothing behind', async () => {
    const { engine, scope, under, id, leftovers, nothingLeft, differences } = ctx;
    const jobId = id('crash');
    const ofJob = { [LABELS.scope]: scope, [LABELS.job]: jobId };
    const definition = job([
      {
        type: 'container/run',
        id: 'work',
        args: { image: 'busybox:1.35', cmd: ['sh', '-c', 'echo started; sleep 3; echo finished'] },
      },
    ]);
    // The child lives in the package so it resolves @nosana/runtime like any consumer; its name matches the
    // ignored packages/*/test/.crash-child-* pattern.
    const child = join(pkg, 'test', `.crash-child-${differences.jobPrefix}-${process.pid}.ts`);
    writeFileSync(
      child,
      `import { connectEngine, createRuntime } from '@nosana/runtime';
const { engine } = await connectEngine(${JSON.stringify(under.connect)});
const runtime = createRuntime({ engine, scope: ${JSON.stringify(scope)} });
void runtime.runFlow({ jobId: ${JSON.stringify(jobId)}, definition: ${JSON.stringify(definition)} });
setInterval(() => {}, 1000);
`,
    );
    const proc = spawn(process.execPath, ['--conditions=@nosana/source', '--import', 'tsx', child], {
      cwd: pkg,
      stdio: 'ignore',
    });
    const runtime = createRuntime({ engine, scope });
    try {
      // The child starts Node, tsx and the sources: on a loaded machine that alone can take more than 10 s.
      for (let i = 0; i < 600 && !(await runtime.listJobs()).includes(jobId); i++)
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      proc.kill('SIGKILL');
      rmSync(child, { force: true });
    }
    expect(await runtime.listJobs()).toContain(jobId);
    const containerBefore = (await engine.listContainers(ofJob)).map((c) => c.id);
    const networksBefore = (await engine.listNetworks(ofJob)).map((n) => n.id);
    expect(containerBefore).toHaveLength(1);
    expect(networksBefore).toHaveLength(under.singleContainerNetwork === 'own network' ? 1 : 0);

    let networksWhileRunning: Promise<string[]> | undefined;
    const resumed = await runtime.runFlow({
      jobId,
      resume: true,
      definition,
      onEvent: (event) => {
        if (event.type === 'op-status' && event.status === 'running')
          networksWhileRunning ??= engine.listNetworks(ofJob).then((ns) => ns.map((n) => n.id));
      },
    });
    expect(resumed.opStates[0]).toMatchObject({ status: 'success', exitCode: 0 });
    expect(resumed.opStates[0]!.providerId).toBe(containerBefore[0]);
    expect(await networksWhileRunning).toEqual(networksBefore);
    expect(resumed.opStates[0]!.logs.map((l) => l.log)).toEqual(['started', 'finished']);
    expect(await leftovers()).toEqual(nothingLeft);
  });

  it('reaps what a dead process left behind (containers, volumes, networks of its scope) and nothing else', async () => {
    const { engine, scope, id, leftovers, nothingLeft } = ctx;
    const name = (what: string) => `${id(what)}-${process.pid}`;
    const labels = { [LABELS.managed]: 'true', [LABELS.scope]: scope, [LABELS.job]: id('orphan') };
    const other = { ...labels, [LABELS.scope]: `${scope}-other` };
    await engine.createNetwork(name('orphan-net'), { labels, internal: true });
    await engine.createVolume(name('orphan-vol'), labels);
    await engine.createVolume(name('keep-vol'), other);
    const spec = {
      image: 'busybox:1.35',
      cmd: ['sleep', '600'],
      env: {},
      volumes: [{ name: name('orphan-vol'), dest: '/data' }],
      ports: [],
      limits: {},
      logLimit: { maxSizeBytes: 1024 * 1024, maxFiles: 1 },
      capAdd: DEFAULT_CAPABILITIES,
    };
    const running = await engine.createContainer({
      ...spec,
      name: name('orphan-run'),
      labels,
      network: name('orphan-net'),
    });
    await engine.startContainer(running);
    await engine.createContainer({ ...spec, name: name('orphan-created'), labels });
    try {
      expect(await leftovers()).toEqual({ containers: 2, volumes: 1, networks: 1 });
      expect(await createRuntime({ engine, scope }).reap()).toEqual({
        containers: 2,
        volumes: 1,
        networks: 1,
      });
      expect(await leftovers()).toEqual(nothingLeft);
      expect((await engine.listVolumes({ [LABELS.scope]: `${scope}-other` })).map((v) => v.name)).toEqual([
        name('keep-vol'),
      ]);
    } finally {
      await engine.removeVolume(name('keep-vol'));
    }
  });
}
