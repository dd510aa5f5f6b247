import { serviceId } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import {
  chainRefusal,
  exposeApiShapeRefusal,
  exposedIds,
  exposeShapeRefusal,
  healthTransition,
  MAX_ENDPOINTS_PER_TUNNEL,
} from './expose-rules.js';

const JOB = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const NODE = 'HostAddress11111111111111111111111111111111';
const policy = { private: false, deployment: null, healthChecks: [] };

describe('expose rules', () => {
  it('refuses malformed requests and a full tunnel', () => {
    const ok = { type: 'expose' as const, ref: 'web-0', job: JOB, opIndex: 0, port: 8080 };
    expect(exposeShapeRefusal(ok, 0)).toBeNull();
    for (const bad of [{ ref: 'Web!' }, { port: 0 }, { port: 70_000 }, { opIndex: -1 }, { secret: 5 }])
      expect(exposeShapeRefusal({ ...ok, ...bad } as never, 0)?.reason).toBe('bad-request');
    expect(exposeShapeRefusal(ok, MAX_ENDPOINTS_PER_TUNNEL)?.reason).toBe('too-many');
  });

  it('refuses a malformed node API registration and a full tunnel', () => {
    const ok = { type: 'expose-api' as const, ref: 'node-api', port: 5101 };
    expect(exposeApiShapeRefusal(ok, 0)).toBeNull();
    for (const bad of [{ ref: 'API' }, { ref: 7 }, { port: 0 }, { port: 65_536 }, { port: '5101' }])
      expect(exposeApiShapeRefusal({ ...ok, ...bad } as never, 0)?.reason).toBe('bad-request');
    expect(exposeApiShapeRefusal(ok, MAX_ENDPOINTS_PER_TUNNEL)?.reason).toBe('too-many');
  });

  it('allows only the runner, only exposed ports, and private ops only with a long secret', () => {
    const base = { job: JOB, opIndex: 0, port: 80, node: NODE };
    expect(chainRefusal({ ...base, runner: NODE, policy })).toBeNull();
    expect(chainRefusal({ ...base, runner: 'someone-else', policy })?.reason).toBe('not-runner');
    expect(chainRefusal({ ...base, runner: null, policy })?.text).toContain('nobody');
    expect(chainRefusal({ ...base, runner: NODE, policy: null })?.reason).toBe('not-exposed');
    const secret = { ...policy, private: true };
    expect(chainRefusal({ ...base, runner: NODE, policy: secret, secret: 'short' })?.reason).toBe(
      'secret-required',
    );
    expect(chainRefusal({ ...base, runner: NODE, policy: secret, secret: 'x'.repeat(32) })).toBeNull();
  });

  it('serves the real service id, a private id that depends on the secret, and the deployment id', () => {
    const open = exposedIds({ job: JOB, opIndex: 0, port: 80 }, policy);
    expect(open).toEqual({ serviceId: serviceId({ job: JOB, opIndex: 0, port: 80 }), deploymentId: null });
    const a = exposedIds(
      { job: JOB, opIndex: 0, port: 80, secret: 'a'.repeat(32) },
      { ...policy, private: true },
    );
    const b = exposedIds(
      { job: JOB, opIndex: 0, port: 80, secret: 'b'.repeat(32) },
      { ...policy, private: true },
    );
    expect(a.serviceId).not.toBe(b.serviceId);
    expect(a.serviceId).not.toBe(open.serviceId);
    const deployed = exposedIds(
      { job: JOB, opIndex: 0, port: 80 },
      { ...policy, deployment: { id: 'd', project: 'P' } },
    );
    expect(deployed.deploymentId).toHaveLength(45);
  });

  it('goes online on a pass and offline only after the threshold of consecutive failures', () => {
    expect(healthTransition('starting', 0, 3, null)).toBe('online');
    expect(healthTransition('offline', 0, 3, null)).toBe('online');
    expect(healthTransition('online', 0, 3, null)).toBeNull();
    expect(healthTransition('online', 2, 3, 'timeout')).toBeNull();
    expect(healthTransition('online', 3, 3, 'timeout')).toBe('offline');
    expect(healthTransition('starting', 9, 3, 'timeout')).toBeNull();
  });
});
