import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobDefinition } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import type { ContainerSpec } from '../engine/types.js';
import { createFakeEngine } from '../testing.js';
import { createRuntime, DEFAULT_CAPABILITIES, type RuntimeEvent } from './runtime.js';

const job = (ops: JobDefinition['ops'], global?: JobDefinition['global']): JobDefinition => ({
  version: '0.1',
  type: 'container',
  ops,
  ...(global ? { global } : {}),
});
const run = (id: string, args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  type: 'container/run' as const,
  id,
  args: { image: 'busybox:1.35', ...args },
  ...extra,
});

describe('runtime flow semantics (fake engine)', () => {
  it('runs groups in order, ops of a group in parallel, and reports a successful flow with logs and results', async () => {
    const engine = createFakeEngine((spec) => ({
      logs: [{ line: `hello from ${spec.labels['org.nosana.op']}` }, { line: 'loss=0.25', stream: 'stderr' }],
      exitCode: 0,
    }));
    const events: RuntimeEvent[] = [];
    const runtime = createRuntime({ engine, scope: 'unit' });
    const state = await runtime.runFlow({
      jobId: 'job-1',
      definition: job([
        run('a', {}, { execution: { group: 'first' }, results: { loss: '(?<=loss=)[0-9.]+' } }),
        run('b', {}, { execution: { group: 'second' } }),
        run('c', {}, { execution: { group: 'second' } }),
      ]),
      onEvent: (e) => events.push(e),
    });
    expect(state.status).toBe('success');
    expect(state.opStates.map((o) => [o.operationId, o.group, o.status, o.exitCode])).toEqual([
      ['a', 'first', 'success', 0],
      ['b', 'second', 'success', 0],
      ['c', 'second', 'success', 0],
    ]);
    expect(engine.started[0]).toMatch(/-0$/);
    expect(state.opStates[0]!.results).toEqual({ loss: ['0.25'] });
    expect(state.opStates[0]!.logs.map((l) => [l.type, l.log])).toEqual([
      ['stdout', 'hello from a'],
      ['stderr', 'loss=0.25'],
    ]);
    expect(
      events
        .filter((e) => e.type === 'op-status' && e.opId === 'a')
        .map((e) => (e as { status: string }).status),
    ).toEqual(['starting', 'running', 'success']);
    expect(events.at(-1)).toMatchObject({ type: 'flow-finished', state: { status: 'success' } });
    // Nothing outlives the flow.
    expect(engine.containers.size).toBe(0);
    expect(engine.networks.size).toBe(0);
  });

  it('creates containers with the security defaults, env merge, labels and per-job network', async () => {
    const engine = createFakeEngine();
    const runtime = createRuntime({
      engine,
      scope: 'unit',
      limits: { memoryBytes: 1 << 30, pids: 256, nanoCpus: 1e9 },
    });
    const specs: unknown[] = [];
    const original = engine.createContainer;
    engine.createContainer = async (spec) => {
      specs.push(spec);
      return original(spec);
    };
    await runtime.runFlow({
      jobId: 'job-2',
      definition: job(
        [
          run('main', {
            cmd: 'echo "a b" c',
            env: { B: 'op' },
            work_dir: '/w',
            expose: [8080, '9000-9001'],
            aliases: 'svc',
          }),
        ],
        { env: { A: 'global', B: 'global' } },
      ),
    });
    expect(specs[0]).toMatchObject({
      image: 'busybox:1.35',
      cmd: ['echo', 'a b', 'c'],
      env: { A: 'global', B: 'op', NOSANA_ID: 'job-2' },
      workDir: '/w',
      ports: [8080, 9000, 9001],
      aliases: ['main', 'svc'],
      limits: { memoryBytes: 1 << 30, pids: 256, nanoCpus: 1e9 },
      capAdd: DEFAULT_CAPABILITIES,
      labels: {
        'org.nosana.managed': 'true',
        'org.nosana.scope': 'unit',
        'org.nosana.job': 'job-2',
        'org.nosana.op': 'main',
      },
      logLimit: { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 2 },
    });
    expect((specs[0] as { network: string }).network).toMatch(/^nosana-[0-9a-f]{8}-job-2$/);
  });

  it('hydrates literals from earlier ops: results, hosts and endpoints', async () => {
    const engine = createFakeEngine((spec) =>
      spec.labels['org.nosana.op'] === 'setup' ? { logs: [{ line: 'model=tiny' }] } : {},
    );
    const specs: Array<{ env: Record<string, string>; cmd?: string[] }> = [];
    const original = engine.createContainer;
    engine.createContainer = async (spec) => {
      specs.push(spec);
      return original(spec);
    };
    const state = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-3',
      definition: job([
        run('setup', {}, { results: { model: '(?<=model=).*' }, execution: { group: 'one' } }),
        run(
          'use',
          {
            cmd: ['serve', '%%ops.setup.results.model%%'],
            env: { JOB: '%%globals.job%%', HOST: '%%ops.setup.host%%' },
          },
          { execution: { group: 'two' } },
        ),
      ]),
      globals: { job: 'job-3' },
    });
    expect(state.status).toBe('success');
    expect(specs[1]).toMatchObject({ cmd: ['serve', 'tiny'], env: { JOB: 'job-3', HOST: 'setup' } });
  });

  it('fails an op whose literal cannot be resolved, without creating its container', async () => {
    const engine = createFakeEngine();
    const state = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-4',
      definition: job([
        run('setup', {}, { execution: { group: 'one' } }),
        run('use', { cmd: ['%%ops.setup.results.x%%'] }, { execution: { group: 'two' } }),
      ]),
    });
    expect(state.opStates[1]).toMatchObject({
      status: 'failed',
      error: { event: 'hydration', code: 'CORE__LITERAL_UNRESOLVED' },
    });
    expect(engine.started).toHaveLength(1);
    expect(state.status).toBe('failed');
  });

  it('honours depends_on inside a group and skips dependents of a failed op; later groups are not run', async () => {
    const engine = createFakeEngine((spec) => ({
      exitCode: spec.labels['org.nosana.op'] === 'build' ? 3 : 0,
      durationMs: 20,
    }));
    const state = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-5',
      definition: job([
        run('build', {}, { execution: { group: 'g' } }),
        run('test', {}, { execution: { group: 'g', depends_on: ['build'] } }),
        run('lint', {}, { execution: { group: 'g' } }),
        run('deploy', {}, { execution: { group: 'later' } }),
      ]),
    });
    expect(state.opStates.map((o) => [o.operationId, o.status])).toEqual([
      ['build', 'failed'],
      ['test', 'stopped'],
      ['lint', 'success'],
      ['deploy', 'stopped'],
    ]);
    expect(state.opStates[0]!.exitCode).toBe(3);
    expect(state.opStates[3]!.error?.message).toBe('not run: group "g" did not succeed');
    expect(state.status).toBe('failed');
  });

  it('stops running ops at the deadline: a service counts as success, a batch op as stopped', async () => {
    const engine = createFakeEngine(() => ({ forever: true }));
    const state = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-6',
      definition: job([
        run('web', { expose: 8080 }, { execution: { group: 'g' } }),
        run('batch', {}, { execution: { group: 'g' } }),
      ]),
      deadline: Date.now() + 100,
    });
    expect(state.opStates.map((o) => [o.operationId, o.status, o.diagnostics?.reason?.jobExpired])).toEqual([
      ['web', 'success', true],
      ['batch', 'stopped', true],
    ]);
    expect(state.opStates[0]!.endpoints).toEqual([
      { port: 8080, url: 'http://127.0.0.1:48080', status: 'UNKNOWN' },
    ]);
  });

  it('stops a flow on abort (client stop) and with stopFlow, marking ops stopped', async () => {
    const engine = createFakeEngine(() => ({ forever: true }));
    const runtime = createRuntime({ engine, scope: 'unit' });
    // Stops are sent once the op runs (its `running` status), not after a guessed delay.
    const whenRunning = () => {
      let onEvent: (event: RuntimeEvent) => void = () => undefined;
      const running = new Promise<void>((resolve) => {
        onEvent = (event) => event.type === 'op-status' && event.status === 'running' && resolve();
      });
      return { running, onEvent };
    };
    const controller = new AbortController();
    const first = whenRunning();
    const running = runtime.runFlow({
      jobId: 'job-7',
      definition: job([run('a')]),
      signal: controller.signal,
      onEvent: first.onEvent,
    });
    await first.running;
    controller.abort('stopped');
    expect((await running).opStates[0]).toMatchObject({
      status: 'stopped',
      diagnostics: { reason: { jobStopped: true } },
    });

    const next = whenRunning();
    const second = runtime.runFlow({ jobId: 'job-8', definition: job([run('a')]), onEvent: next.onEvent });
    await next.running;
    expect(runtime.stopFlow('job-8', 'shutdown')).toBe(true);
    expect((await second).opStates[0]).toMatchObject({
      status: 'stopped',
      diagnostics: { reason: { hostShutDown: true } },
    });
    expect(runtime.stopFlow('unknown')).toBe(false);
  });

  it('pulls missing images with progress events and fails clearly when the pull fails', async () => {
    const engine = createFakeEngine();
    const events: RuntimeEvent[] = [];
    const state = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-9',
      definition: job([
        run('a', { image: 'pull-me/app:1' }, { execution: { group: 'g' } }),
        run('b', { image: 'pull-me/missing:1' }, { execution: { group: 'g' } }),
      ]),
      onEvent: (e) => events.push(e),
    });
    expect(engine.pulled).toEqual(['pull-me/app:1']);
    expect(events.some((e) => e.type === 'pull' && e.progress.total === 100)).toBe(true);
    expect(state.opStates[1]).toMatchObject({ status: 'failed', error: { event: 'pull' } });
  });

  it('refuses GPU ops on a host without GPUs, and turns an engine GPU refusal into RUNTIME__GPU_UNAVAILABLE', async () => {
    const none = await createRuntime({ engine: createFakeEngine(), scope: 'unit', gpus: 'none' }).runFlow({
      jobId: 'job-10',
      definition: job([run('a', { gpu: true })]),
    });
    expect(none.opStates[0]).toMatchObject({ status: 'failed', error: { code: 'RUNTIME__GPU_UNAVAILABLE' } });
    const engine = createFakeEngine(() => ({
      startError: 'could not select device driver "nvidia" with capabilities: [[gpu]]',
    }));
    const refused = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-11',
      definition: job([run('a', { gpu: true })]),
    });
    expect(refused.opStates[0]).toMatchObject({
      status: 'failed',
      error: { code: 'RUNTIME__GPU_UNAVAILABLE' },
    });
    expect(engine.containers.size).toBe(0);
  });

  it('refuses a resource whose file names leave its directory before pulling or creating anything', async () => {
    const engine = createFakeEngine();
    const state = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-unsafe',
      definition: job([
        run('a', {
          image: 'pull-me/app:1',
          resources: [
            {
              type: 'S3',
              url: 'https://bucket.example/data',
              target: '/data',
              files: ['../../etc/cron.d/x'],
            },
          ],
        }),
      ]),
    });
    expect(state.opStates[0]).toMatchObject({
      status: 'failed',
      error: { code: 'RUNTIME__RESOURCE_UNSAFE_PATH' },
    });
    expect(engine.pulled).toEqual([]);
    expect(engine.started).toEqual([]);
    expect(engine.containers.size).toBe(0);
  });

  it('caps logs per op and marks the cut', async () => {
    const engine = createFakeEngine(() => ({
      logs: Array.from({ length: 10 }, (_, i) => ({ line: `line ${i}` })),
    }));
    const state = await createRuntime({ engine, scope: 'unit', maxLogLines: 3 }).runFlow({
      jobId: 'job-12',
      definition: job([run('a')]),
    });
    expect(state.opStates[0]!.logs.map((l) => l.log)).toEqual([
      'line 0',
      'line 1',
      'line 2',
      expect.stringMatching(
        /^Found too many logs: 7 line\(s\) \(42 bytes\) dropped after the first 3 line\(s\)/,
      ),
    ]);
    expect(state.opStates[0]!.logsTruncated).toBe(true);
  });

  it('keeps op logs in files of the flow’s log directory while it runs, and removes them with the flow', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'runtime-logs-'));
    try {
      const seen: string[][] = [];
      const engine = createFakeEngine(() => ({ logs: [{ line: 'one' }, { line: 'two' }] }));
      const runtime = createRuntime({ engine, scope: 'unit', logDir });
      const state = await runtime.runFlow({
        jobId: 'job-files',
        definition: job([run('a')]),
        onEvent: (event) => {
          if (event.type === 'op-status' && event.status === 'running') seen.push(readdirSync(logDir));
        },
      });
      expect(seen).toEqual([[expect.stringMatching(/^nosana-[0-9a-f]{8}-job-files$/)]]);
      expect(state.opStates[0]!.logs.map((l) => l.log)).toEqual(['one', 'two']);
      expect(readdirSync(logDir)).toEqual([]);
      // A crashed process's directory of this scope is removed by the reaper; another scope's is not.
      mkdirSync(join(logDir, `${seen[0]![0]!.replace('job-files', 'old')}`));
      mkdirSync(join(logDir, 'nosana-00000000-other'));
      await runtime.reap();
      expect(readdirSync(logDir)).toEqual(['nosana-00000000-other']);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('stops an op when a dependency it runs alongside fails (stop_if_dependent_stops), from status events', async () => {
    // The dependency is a service: its dependent starts once it is ONLINE, while it still runs.
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hostPort = (server.address() as { port: number }).port;
    const engine = createFakeEngine((spec) =>
      spec.name.endsWith('-0') ? { forever: true, ports: { 8080: hostPort } } : { forever: true },
    );
    const flow = createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-deps',
      definition: job([
        run('api', { expose: 8080 }, { execution: { group: 'g' } }),
        run('client', {}, { execution: { group: 'g', depends_on: ['api'], stop_if_dependent_stops: true } }),
        run('bystander', {}, { execution: { group: 'g', depends_on: ['api'] } }),
      ]),
      onEvent: (event) => {
        // Once the dependents run, the service dies on its own (exit 143, not a stop of the flow).
        if (event.type === 'op-status' && event.opId === 'client' && event.status === 'running')
          void engine.stopContainer(engine.started.find((name) => name.endsWith('-0'))!, 1);
        // The flow itself is never stopped: the bystander (no stop_if_dependent_stops) ends on its own after.
        if (event.type === 'op-status' && event.opId === 'client' && event.status === 'stopped')
          void engine.stopContainer(engine.started.find((name) => name.endsWith('-2'))!, 1);
      },
    });
    const state = await flow;
    server.close();
    const byId = Object.fromEntries(state.opStates.map((o) => [o.operationId, o]));
    expect(byId.api).toMatchObject({ status: 'failed', exitCode: 143 });
    expect(byId.client).toMatchObject({ status: 'stopped', diagnostics: { reason: { reason: 'stopped' } } });
    // Not stopped by the rule: it ran on until its container ended.
    expect(byId.bystander).toMatchObject({ status: 'failed', exitCode: 143 });
    expect(engine.started).toHaveLength(3);
  });

  it('creates named volumes for create-volume ops and mounts them by job-scoped name', async () => {
    const engine = createFakeEngine();
    const specs: Array<{ volumes: unknown }> = [];
    const original = engine.createContainer;
    engine.createContainer = async (spec) => {
      specs.push(spec);
      return original(spec);
    };
    const created: string[] = [];
    const createVolume = engine.createVolume;
    engine.createVolume = async (name, labels) => {
      created.push(name);
      return createVolume(name, labels);
    };
    await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-13',
      definition: job([
        { type: 'container/create-volume', id: 'vol', args: { name: 'data' }, execution: { group: 'a' } },
        run('use', { volumes: [{ name: 'data', dest: '/data' }] }, { execution: { group: 'b' } }),
      ]),
    });
    expect(created).toHaveLength(1);
    expect(specs[0]!.volumes).toEqual([{ name: created[0], dest: '/data' }]);
    expect(engine.volumes.size).toBe(0);
  });

  it('reaps only its own scope', async () => {
    const engine = createFakeEngine();
    await engine.createNetwork('mine', {
      labels: { 'org.nosana.scope': 'unit', 'org.nosana.job': 'old' },
      internal: false,
    });
    await engine.createNetwork('theirs', {
      labels: { 'org.nosana.scope': 'other', 'org.nosana.job': 'old' },
      internal: false,
    });
    expect(await createRuntime({ engine, scope: 'unit' }).reap()).toEqual({
      containers: 0,
      volumes: 0,
      networks: 1,
    });
    expect([...engine.networks.keys()]).toEqual(['theirs']);
  });

  it('names a command that could not be run: exit 127/126 (Docker) or catatonit failing to exec (Podman)', async () => {
    const byOp: Record<string, { exitCode: number; logs?: Array<{ stream: 'stderr'; line: string }> }> = {
      docker: { exitCode: 127 },
      dockerx: { exitCode: 126 },
      podman: {
        exitCode: 1,
        logs: [
          { stream: 'stderr', line: 'ERROR (catatonit:6): failed to exec pid1: No such file or directory' },
        ],
      },
      podmanx: {
        exitCode: 1,
        logs: [{ stream: 'stderr', line: 'ERROR (catatonit:7): failed to exec pid1: Permission denied' }],
      },
      plain: { exitCode: 1, logs: [{ stream: 'stderr', line: 'No such file or directory' }] },
    };
    const engine = createFakeEngine((spec) => byOp[spec.labels['org.nosana.op']!]!);
    const state = await createRuntime({ engine, scope: 'unit' }).runFlow({
      jobId: 'job-14',
      definition: job(Object.keys(byOp).map((id) => run(id, {}, { execution: { group: 'g' } }))),
    });
    expect(state.opStates.map((o) => [o.operationId, o.status, o.error?.message ?? null])).toEqual([
      ['docker', 'failed', expect.stringContaining('was not found in the image (exit 127)')],
      ['dockerx', 'failed', expect.stringContaining('is not executable (exit 126)')],
      ['podman', 'failed', expect.stringContaining('was not found in the image (exit 1)')],
      ['podmanx', 'failed', expect.stringContaining('is not executable (exit 1)')],
      ['plain', 'failed', null],
    ]);
  });

  it('puts a one-container flow on the default bridge when Docker keeps containers there apart (icc=false), and only then', async () => {
    const specsOf = async (
      engine: ReturnType<typeof createFakeEngine>,
      definition: JobDefinition,
      egress = true,
    ) => {
      const specs: ContainerSpec[] = [];
      const created: string[] = [];
      const createContainer = engine.createContainer;
      const createNetwork = engine.createNetwork;
      engine.createContainer = async (spec) => {
        specs.push(spec);
        return createContainer(spec);
      };
      engine.createNetwork = async (name, options) => {
        created.push(options.internal ? `${name} (internal)` : name);
        return createNetwork(name, options);
      };
      const state = await createRuntime({ engine, scope: 'unit', egress }).runFlow({
        jobId: 'job-15',
        definition,
      });
      expect(state.status).toBe('success');
      return { networks: specs.map((s) => [s.network, s.aliases]), created };
    };
    const one = job([
      { type: 'container/create-volume', id: 'vol', args: { name: 'data' } },
      run('only', { expose: 8080 }, { execution: { depends_on: ['vol'] } }),
    ]);
    const two = job([
      run('a', {}, { execution: { group: 'g' } }),
      run('b', {}, { execution: { group: 'g' } }),
    ]);
    const isolated = () => createFakeEngine(() => ({}), { defaultBridgeIcc: false });

    expect(await specsOf(isolated(), one)).toEqual({ networks: [['bridge', undefined]], created: [] });
    // Several containers talk to each other by name: they need a network of their own.
    const own = await specsOf(isolated(), two);
    expect(own.created).toEqual([expect.stringMatching(/^nosana-[0-9a-f]{8}-job-15$/)]);
    expect(own.networks).toEqual([
      [own.created[0], ['a']],
      [own.created[0], ['b']],
    ]);
    // No egress: an internal network of its own.
    expect((await specsOf(isolated(), one, false)).created).toEqual([
      expect.stringMatching(/-job-15 \(internal\)$/),
    ]);
    // Docker's default (icc=true) and Podman: always a network of its own.
    expect((await specsOf(createFakeEngine(), one)).created).toHaveLength(1);
    expect(
      (
        await specsOf(
          createFakeEngine(() => ({}), { kind: 'podman' }),
          one,
        )
      ).created,
    ).toHaveLength(1);
  });
});
