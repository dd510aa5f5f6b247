import type { HealthCheck } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { exposedPorts, healthChecksByPort, serviceTypeOf } from './endpoints.js';

const check: HealthCheck = { type: 'http', method: 'GET', path: '/health', expected_status: 200 };

describe('endpoints', () => {
  it('lists exposed ports: numbers, numeric strings, ranges and items, once each', () => {
    expect(exposedPorts(undefined)).toEqual([]);
    expect(exposedPorts(8080)).toEqual([8080]);
    expect(exposedPorts('9000-9002' as never)).toEqual([9000, 9001, 9002]);
    expect(exposedPorts([8080, { port: 8080 }, { port: '81' } as never, '%%ops.a.port%%' as never])).toEqual([
      8080, 81,
    ]);
  });

  it('finds health checks and service types by numeric port', () => {
    const expose = [{ port: 80, type: 'websocket' as const, health_checks: [check] }, { port: 81 }, 82];
    expect(healthChecksByPort(expose).get(80)).toEqual([check]);
    expect(healthChecksByPort(expose).has(81)).toBe(false);
    expect(serviceTypeOf(expose, 80)).toBe('websocket');
    expect(serviceTypeOf(expose, 82)).toBeUndefined();
  });
});
