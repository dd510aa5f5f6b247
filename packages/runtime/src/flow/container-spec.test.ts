import type { ContainerRunOperation } from '@nosana/core';
import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import {
  type BuildContainerSpecParameters,
  buildContainerSpec,
  dnsName,
  gpuRequestOf,
  restartPolicyOf,
} from './container-spec.js';

const op = (args: ContainerRunOperation['args'], id = 'Train_1'): ContainerRunOperation => ({
  type: 'container/run',
  id,
  args,
});
const base = (overrides: Partial<BuildContainerSpecParameters> = {}): BuildContainerSpecParameters => ({
  op: op({ image: 'busybox:1.35' }),
  jobId: 'job-1',
  name: 'nosana-abc-job-1-0',
  volumeName: (name) => `nosana-abc-job-1-${name}`,
  labels: { 'org.nosana.job': 'job-1' },
  limits: { memoryBytes: 1024, pids: 64 },
  logLimit: { maxSizeBytes: 10, maxFiles: 2 },
  capabilities: ['CHOWN'],
  ...overrides,
});

describe('container spec', () => {
  it('builds the minimal spec: image, env with NOSANA_ID, labels, limits, log limit, capabilities, no network', () => {
    expect(buildContainerSpec(base())).toEqual({
      name: 'nosana-abc-job-1-0',
      image: 'busybox:1.35',
      env: { NOSANA_ID: 'job-1' },
      labels: { 'org.nosana.job': 'job-1' },
      volumes: [],
      ports: [],
      limits: { memoryBytes: 1024, pids: 64 },
      logLimit: { maxSizeBytes: 10, maxFiles: 2 },
      capAdd: ['CHOWN'],
    });
  });

  it('merges env: global, then the op, then NOSANA_ID, which a definition cannot override', () => {
    const spec = buildContainerSpec(
      base({
        op: op({ image: 'x', env: { A: 'op', B: 'op', NOSANA_ID: 'forged' } }),
        global: { env: { A: 'global', C: 'global' } },
      }),
    );
    expect(spec.env).toEqual({ A: 'op', B: 'op', C: 'global', NOSANA_ID: 'job-1' });
  });

  it('takes the image, entrypoint and work_dir from the op, else from global; cmd only from the op', () => {
    const fromGlobal = buildContainerSpec(
      base({
        op: op({ cmd: 'echo "a b"' }),
        global: { image: 'ubuntu:24.04', entrypoint: ['/bin/sh', '-c'], work_dir: '/global' },
      }),
    );
    expect(fromGlobal).toMatchObject({
      image: 'ubuntu:24.04',
      cmd: ['echo', 'a b'],
      entrypoint: ['/bin/sh', '-c'],
      workDir: '/global',
    });
    const fromOp = buildContainerSpec(
      base({
        op: op({ image: 'alpine:3', entrypoint: 'python -u', work_dir: '/op' }),
        global: { image: 'ubuntu:24.04', entrypoint: ['/bin/sh'], work_dir: '/global' },
      }),
    );
    expect(fromOp).toMatchObject({ image: 'alpine:3', entrypoint: ['python', '-u'], workDir: '/op' });
    expect(fromOp).not.toHaveProperty('cmd');
  });

  it('refuses an op without any image, with a coded error naming the op', () => {
    const error = (() => {
      try {
        buildContainerSpec(base({ op: op({ cmd: 'true' }, 'noimage') }));
      } catch (e) {
        return e;
      }
    })();
    expect(isNosanaError(error, 'RUNTIME__CONTAINER_FAILED')).toBe(true);
    expect((error as Error).message).toContain('op "noimage" has no image');
  });

  it('mounts job volumes by their job-scoped names and publishes every exposed port', () => {
    const spec = buildContainerSpec(
      base({
        op: op({
          image: 'x',
          volumes: [{ name: 'models', dest: '/models' }],
          expose: [8080, { port: '9000-9002' }, { port: 8080, type: 'web' }],
        }),
      }),
    );
    expect(spec.volumes).toEqual([{ name: 'nosana-abc-job-1-models', dest: '/models' }]);
    expect(spec.ports).toEqual([8080, 9000, 9001, 9002]);
  });

  it('gives DNS aliases (the op id as a DNS label, then aliases) only on the job’s own network', () => {
    const own = buildContainerSpec(
      base({ op: op({ image: 'x', aliases: ['db', 'cache'] }), network: { name: 'net', aliases: true } }),
    );
    expect(own).toMatchObject({ network: 'net', aliases: ['train-1', 'db', 'cache'] });
    const single = buildContainerSpec(
      base({ op: op({ image: 'x', aliases: 'db' }), network: { name: 'net', aliases: true } }),
    );
    expect(single.aliases).toEqual(['train-1', 'db']);
    const bridge = buildContainerSpec(
      base({ op: op({ image: 'x', aliases: 'db' }), network: { name: 'bridge', aliases: false } }),
    );
    expect(bridge.network).toBe('bridge');
    expect(bridge).not.toHaveProperty('aliases');
  });

  it('maps restart policies: always → unless-stopped (a stop sticks), on-failure keeps its tries', () => {
    expect(restartPolicyOf(undefined)).toBeUndefined();
    expect(restartPolicyOf('always')).toEqual({ policy: 'unless-stopped' });
    expect(restartPolicyOf('no')).toEqual({ policy: 'no' });
    expect(restartPolicyOf('unless-stopped')).toEqual({ policy: 'unless-stopped' });
    expect(restartPolicyOf('on-failure')).toEqual({ policy: 'on-failure' });
    expect(restartPolicyOf({ policy: 'on-failure', restart_tries: 3 })).toEqual({
      policy: 'on-failure',
      maxRetries: 3,
    });
    expect(restartPolicyOf({ policy: 'on-failure' })).toEqual({ policy: 'on-failure' });
    expect(buildContainerSpec(base({ op: op({ image: 'x', restart_policy: 'always' }) })).restart).toEqual({
      policy: 'unless-stopped',
    });
  });

  it('requests GPUs only for GPU ops (op or global), as the runtime is set; refuses them on a host without', () => {
    expect(gpuRequestOf('a', false, { all: true })).toBeUndefined();
    expect(gpuRequestOf('a', false, 'none')).toBeUndefined();
    expect(gpuRequestOf('a', true, undefined)).toEqual({ all: true });
    expect(gpuRequestOf('a', true, { ids: ['0', 'GPU-1'] })).toEqual({ ids: ['0', 'GPU-1'] });
    expect(() => gpuRequestOf('a', true, 'none')).toThrowError(
      /op "a" needs a GPU and this host offers none/,
    );
    expect(buildContainerSpec(base({ op: op({ image: 'x' }), global: { gpu: true } })).gpu).toEqual({
      all: true,
    });
    expect(
      buildContainerSpec(base({ op: op({ image: 'x', gpu: false }), global: { gpu: true } })),
    ).not.toHaveProperty('gpu');
  });

  it('makes DNS labels from op ids', () => {
    expect(dnsName('My_Op.1')).toBe('my-op-1');
    expect(dnsName('---')).toBe('op');
    expect(dnsName('a'.repeat(80))).toHaveLength(63);
  });
});
