import type { HealthCheck, JobDefinition } from '@nosana/core';
import type { RuntimeEvent } from '@nosana/runtime';
import { describe, expect, it } from 'vitest';
import { createHealthMeter, type UnhealthyVerdict, watchServiceHealth } from './service-health.js';
import { createFakeClock } from './testing.js';

const job = 'Job1111111111111111111111111111111111111111';
const check: HealthCheck = {
  type: 'http',
  path: '/health',
  method: 'GET',
  expected_status: 200,
  continuous: false,
};
const definition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'web',
      args: { image: 'nginx', expose: [{ port: 80, health_checks: [check] }] },
    },
    { type: 'container/run', id: 'raw', args: { image: 'nginx', expose: 9000 } },
  ],
} as unknown as JobDefinition;

const online = (opId: string, port: number, hostPort: number): RuntimeEvent => ({
  type: 'endpoint',
  jobId: job,
  opId,
  port,
  url: `http://127.0.0.1:${hostPort}`,
  status: 'ONLINE',
});

describe('createHealthMeter', () => {
  it('starts a stretch at the first failure, ends it at a pass, and gives a verdict at the grace period', () => {
    const meter = createHealthMeter({ graceMs: 60_000 });
    expect(meter.report('web:80', false, 1_000)).toBeNull();
    expect(meter.report('web:80', false, 30_000)).toBeNull();
    expect(meter.report('web:80', true, 40_000)).toBeNull();
    expect(meter.report('web:80', false, 50_000)).toBeNull();
    expect(meter.report('web:80', false, 109_999)).toBeNull();
    expect(meter.report('web:80', false, 110_000)).toEqual({ since: 50_000, unhealthyMs: 60_000 });
  });

  it('keeps endpoints apart and forgets a removed one', () => {
    const meter = createHealthMeter({ graceMs: 10 });
    meter.report('a:1', false, 0);
    expect(meter.report('b:1', false, 10)).toBeNull();
    meter.remove('a:1');
    expect(meter.report('a:1', false, 15)).toBeNull();
    expect(meter.report('a:1', false, 25)).toEqual({ since: 15, unhealthyMs: 10 });
  });
});

describe('watchServiceHealth', () => {
  /** A probe the test scripts: healthy until `failFrom` (fake ms), recording what it was asked. */
  const scripted = (clock: { now(): number }, failFrom: number) => {
    const calls: Array<{ at: number; hostPort: number; checks: HealthCheck[] }> = [];
    const probe = async (hostPort: number, checks: HealthCheck[]) => {
      calls.push({ at: clock.now(), hostPort, checks });
      return clock.now() < failFrom;
    };
    return { probe, calls };
  };

  it('ends the job at the first probe past the grace period, with the op, port and reason', async () => {
    const clock = createFakeClock(0);
    const { probe, calls } = scripted(clock, 20_000);
    const verdicts: UnhealthyVerdict[] = [];
    const watch = watchServiceHealth({
      job,
      definition,
      clock,
      probe,
      graceMs: 60_000,
      intervalMs: 5_000,
      onUnhealthy: (verdict) => verdicts.push(verdict),
    });
    watch.onRuntimeEvent(online('web', 80, 32768));
    await clock.runUntil(() => verdicts.length > 0);
    expect(verdicts).toEqual([
      {
        opId: 'web',
        port: 80,
        since: 20_000,
        unhealthyMs: 60_000,
        graceMs: 60_000,
        reason: 'service unhealthy for 60 s',
      },
    ]);
    // Ended within grace + one probe interval of the first failure, and the port's own checks were used.
    expect(clock.now()).toBe(80_000);
    expect(calls.every((c) => c.hostPort === 32768 && c.checks[0] === check)).toBe(true);
    // No probe after the verdict.
    const probes = calls.length;
    await clock.advance(60_000);
    expect(calls.length).toBe(probes);
  });

  it('forgives failures shorter than the grace period', async () => {
    const clock = createFakeClock(0);
    let healthy = true;
    const verdicts: UnhealthyVerdict[] = [];
    const watch = watchServiceHealth({
      job,
      definition,
      clock,
      probe: async () => healthy,
      graceMs: 10_000,
      intervalMs: 1_000,
      onUnhealthy: (verdict) => verdicts.push(verdict),
    });
    watch.onRuntimeEvent(online('raw', 9000, 32769));
    for (let round = 0; round < 5; round++) {
      healthy = false;
      await clock.advance(9_000);
      healthy = true;
      await clock.advance(2_000);
    }
    expect(verdicts).toEqual([]);
    watch.close();
  });

  it('does not meter a service before its first ONLINE, nor after its op ended', async () => {
    const clock = createFakeClock(0);
    const { probe, calls } = scripted(clock, 0);
    const verdicts: UnhealthyVerdict[] = [];
    const watch = watchServiceHealth({
      job,
      definition,
      clock,
      probe,
      graceMs: 3_000,
      intervalMs: 1_000,
      onUnhealthy: (verdict) => verdicts.push(verdict),
    });
    watch.onRuntimeEvent({ ...online('web', 80, 32768), status: 'UNKNOWN' } as RuntimeEvent);
    await clock.advance(10_000);
    expect(calls).toEqual([]);
    watch.onRuntimeEvent(online('raw', 9000, 32769));
    await clock.advance(2_000);
    watch.onRuntimeEvent({ type: 'op-status', jobId: job, opId: 'raw', status: 'success' });
    await clock.advance(10_000);
    expect(verdicts).toEqual([]);
    // The port without health checks is probed with none (a TCP connection).
    expect(calls.map((c) => c.checks)).toEqual([[], []]);
  });

  it('meters a service that came online before a restart from its publication, dead or not (regression)', async () => {
    const clock = createFakeClock(0);
    const { probe, calls } = scripted(clock, 0); // dead from the start: it never passes again
    const verdicts: UnhealthyVerdict[] = [];
    const remembered: string[] = [];
    const watch = watchServiceHealth({
      job,
      definition,
      clock,
      probe,
      graceMs: 10_000,
      intervalMs: 1_000,
      onUnhealthy: (verdict) => verdicts.push(verdict),
      wasOnline: new Set(['web:80']),
      onOnline: (key) => remembered.push(key),
    });
    // The resumed runtime publishes the port again (not checked yet): metering starts there.
    watch.onRuntimeEvent({ ...online('web', 80, 32770), status: 'UNKNOWN' } as RuntimeEvent);
    watch.onRuntimeEvent({ ...online('raw', 9000, 32771), status: 'UNKNOWN' } as RuntimeEvent);
    await clock.runUntil(() => verdicts.length > 0);
    expect(verdicts[0]).toMatchObject({ opId: 'web', port: 80, since: 1_000, unhealthyMs: 10_000 });
    expect(clock.now()).toBe(11_000);
    // The service that never came online is not metered; nothing came online to remember.
    expect(new Set(calls.map((c) => c.hostPort))).toEqual(new Set([32770]));
    expect(remembered).toEqual([]);
  });

  it('reports the first ONLINE of each service once, to be remembered across a restart', () => {
    const remembered: string[] = [];
    const watch = watchServiceHealth({
      job,
      definition,
      clock: createFakeClock(0),
      probe: async () => true,
      graceMs: 10_000,
      intervalMs: 1_000,
      onUnhealthy: () => undefined,
      onOnline: (key) => remembered.push(key),
    });
    watch.onRuntimeEvent(online('web', 80, 32768));
    watch.onRuntimeEvent(online('web', 80, 32768));
    watch.onRuntimeEvent(online('raw', 9000, 32769));
    watch.close();
    expect(remembered).toEqual(['web:80', 'raw:9000']);
  });
});
