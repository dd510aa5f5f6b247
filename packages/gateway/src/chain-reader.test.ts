import type { JobDefinition } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { cachedChainReader, type GatewayChainReader, servicePolicy } from './chain-reader.js';

const health = [{ type: 'http' as const, path: '/', method: 'GET' as const, expected_status: 200 }];
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  deployment_id: 'llm',
  ops: [
    {
      type: 'container/run',
      id: 'a',
      args: { image: 'x', expose: [8000, { port: 9000, health_checks: health }] },
    },
    { type: 'container/run', id: 'b', args: { image: 'x', expose: '3000-3002', private: true } },
    { type: 'container/run', id: 'c', args: { image: 'x', expose: '%%ops.a.results.port%%' } },
    { type: 'container/run', id: 'd', args: { image: 'x' } },
    { type: 'container/create-volume', id: 'v', args: { name: 'v' } },
  ],
};

describe('servicePolicy', () => {
  it('finds the port an op exposes, with its health checks, privacy and deployment', () => {
    expect(servicePolicy(definition, 'P', 0, 8000)).toEqual({
      private: false,
      deployment: { id: 'llm', project: 'P' },
      healthChecks: [],
    });
    expect(servicePolicy(definition, 'P', 0, 9000)?.healthChecks).toEqual(health);
    expect(servicePolicy(definition, 'P', 1, 3001)?.private).toBe(true);
  });

  it('is null for ports, ops and op types that expose nothing', () => {
    expect(servicePolicy(definition, 'P', 0, 8001)).toBeNull();
    expect(servicePolicy(definition, 'P', 1, 3003)).toBeNull();
    expect(servicePolicy(definition, 'P', 3, 80)).toBeNull();
    expect(servicePolicy(definition, 'P', 4, 80)).toBeNull();
    expect(servicePolicy(definition, 'P', 9, 80)).toBeNull();
  });

  it('accepts any port of an op whose expose is a literal (known only at run time), without health checks', () => {
    expect(servicePolicy(definition, 'P', 2, 1234)?.healthChecks).toEqual([]);
  });
});

describe('cachedChainReader', () => {
  it('keeps answers for ttlMs, shares concurrent lookups, and does not cache failures', async () => {
    let now = 0;
    let calls = 0;
    let fail = false;
    const reader: GatewayChainReader = {
      runnerOf: async (job) => {
        calls++;
        if (fail) throw new Error('rpc down');
        return `${job}-runner-${calls}`;
      },
      serviceOf: async () => null,
    };
    const cached = cachedChainReader({ reader, ttlMs: 1000, now: () => now });
    const [a, b] = await Promise.all([cached.runnerOf('j'), cached.runnerOf('j')]);
    expect([a, b, calls]).toEqual(['j-runner-1', 'j-runner-1', 1]);
    now = 999;
    expect(await cached.runnerOf('j')).toBe('j-runner-1');
    now = 1000;
    fail = true;
    await expect(cached.runnerOf('j')).rejects.toThrow('rpc down');
    fail = false;
    expect(await cached.runnerOf('j')).toBe('j-runner-3');
  });
});
