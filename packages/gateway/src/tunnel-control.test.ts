import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import type { ExposeResult } from './tunnel-client.js';
import { applyGatewayMessage, backoffDelay, exposeMessage, type Registration } from './tunnel-control.js';

const parameters = { ref: 'web', job: 'J', opIndex: 0, port: 80, targetHost: '127.0.0.1', targetPort: 1 };

function pending() {
  const settled: { result?: ExposeResult; error?: unknown } = {};
  const registration: Registration = {
    parameters,
    resolve: (result) => (settled.result = result),
    reject: (error) => (settled.error = error),
  };
  return { registrations: new Map([['web', registration]]), settled, registration };
}

describe('tunnel control', () => {
  it('sends what the gateway needs (never the target), with the secret only when there is one', () => {
    const { registration } = pending();
    expect(exposeMessage(registration)).toEqual({
      type: 'expose',
      ref: 'web',
      job: 'J',
      opIndex: 0,
      port: 80,
    });
    expect(exposeMessage({ parameters: { ...parameters, secret: 's' } })).toMatchObject({ secret: 's' });
  });

  it('resolves expose on `exposed`, and its close withdraws the ref', () => {
    const { registrations, settled } = pending();
    const withdrawn: string[] = [];
    const message = { type: 'exposed' as const, ref: 'web', serviceId: 'S', url: 'u', deploymentUrl: null };
    expect(applyGatewayMessage(registrations, message, (ref) => withdrawn.push(ref))).toEqual({
      type: 'exposed',
      ref: 'web',
      serviceId: 'S',
      url: 'u',
    });
    settled.result?.close();
    expect(withdrawn).toEqual(['web']);
  });

  it('rejects expose on `refused` with GATEWAY__EXPOSE_REFUSED and forgets it', () => {
    const { registrations, settled } = pending();
    const message = { type: 'refused' as const, ref: 'web', reason: 'not-runner', message: 'no' };
    expect(applyGatewayMessage(registrations, message, () => undefined)?.type).toBe('refused');
    expect(isNosanaError(settled.error, 'GATEWAY__EXPOSE_REFUSED')).toBe(true);
    expect(registrations.size).toBe(0);
  });

  it('keeps registrations lost with the tunnel (to re-send them) but forgets ended jobs and unknown refs', () => {
    const { registrations } = pending();
    applyGatewayMessage(
      registrations,
      { type: 'unexposed', ref: 'web', reason: 'tunnel-lost' },
      () => undefined,
    );
    expect(registrations.has('web')).toBe(true);
    expect(
      applyGatewayMessage(registrations, { type: 'status', ref: 'web', status: 'online' }, () => undefined),
    ).toEqual({
      type: 'online',
      ref: 'web',
    });
    applyGatewayMessage(
      registrations,
      { type: 'unexposed', ref: 'web', reason: 'job-ended' },
      () => undefined,
    );
    expect(registrations.has('web')).toBe(false);
    expect(
      applyGatewayMessage(registrations, { type: 'status', ref: 'x', status: 'online' }, () => undefined),
    ).toBeNull();
  });

  it('backs off exponentially up to the maximum, with ±20 % jitter', () => {
    const timing = { initialMs: 100, maxMs: 2000 };
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => backoffDelay(n, timing, () => 0.5))).toEqual([
      100, 200, 400, 800, 1600, 2000, 2000,
    ]);
    expect(backoffDelay(1, timing, () => 0)).toBe(80);
    expect(backoffDelay(1, timing, () => 1)).toBe(120);
  });
});
