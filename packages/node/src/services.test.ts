import type { JobDefinition } from '@nosana/core';
import type { ExposeParameters, ExposeResult } from '@nosana/gateway';
import { describe, expect, it } from 'vitest';
import { createJobServices, type ServiceEvent, type ServiceTunnel } from './services.js';

const job = 'Job1111111111111111111111111111111111111111';
const definition = {
  version: '0.1',
  type: 'container',
  ops: [
    { type: 'container/run', id: 'setup', args: { image: 'busybox' } },
    { type: 'container/run', id: 'web', args: { image: 'nginx', expose: 80 } },
    { type: 'container/run', id: 'secret', args: { image: 'nginx', expose: 80, private: true } },
  ],
} as unknown as JobDefinition;

/** A tunnel that records what it is asked and answers when the test says so. */
function fakeTunnel() {
  const calls: Array<{ parameters: ExposeParameters; closed: boolean; settle(error?: Error): void }> = [];
  const tunnel: ServiceTunnel = {
    expose: (parameters) =>
      new Promise<ExposeResult>((resolve, reject) => {
        const call = {
          parameters,
          closed: false,
          settle: (error?: Error) =>
            error
              ? reject(error)
              : resolve({
                  ref: 'r',
                  serviceId: `id-${parameters.opIndex}`,
                  url: `http://id-${parameters.opIndex}.localhost:9000`,
                  deploymentUrl: null,
                  close: () => {
                    call.closed = true;
                  },
                }),
        };
        calls.push(call);
      }),
  };
  return { tunnel, calls };
}

const endpoint = (opId: string, hostPort: number) =>
  ({
    type: 'endpoint',
    jobId: job,
    opId,
    port: 80,
    url: `http://127.0.0.1:${hostPort}`,
    status: 'ONLINE',
  }) as const;
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('createJobServices', () => {
  it('exposes a published port once, reports its URL, and withdraws it when the op ends', async () => {
    const { tunnel, calls } = fakeTunnel();
    const urls: Array<[string, number, string | undefined]> = [];
    const events: ServiceEvent[] = [];
    const services = createJobServices({
      tunnel,
      job,
      definition,
      onUrl: (...args) => urls.push(args),
      onEvent: (event) => events.push(event),
    });
    services.onRuntimeEvent(endpoint('web', 32768));
    services.onRuntimeEvent({ ...endpoint('web', 32768), status: 'OFFLINE' });
    expect(calls.map((c) => c.parameters)).toEqual([
      { job, opIndex: 1, port: 80, targetHost: '127.0.0.1', targetPort: 32768 },
    ]);
    calls[0]!.settle();
    await flush();
    expect(urls).toEqual([['web', 80, 'http://id-1.localhost:9000']]);
    expect(events).toEqual([
      {
        type: 'service',
        job,
        op: 'web',
        port: 80,
        status: 'exposed',
        url: 'http://id-1.localhost:9000',
        private: false,
      },
    ]);

    services.onRuntimeEvent({ type: 'op-status', jobId: job, opId: 'web', status: 'stopped' });
    expect(calls[0]!.closed).toBe(true);
    expect(urls.at(-1)).toEqual(['web', 80, undefined]);
    expect(events.at(-1)).toMatchObject({ op: 'web', status: 'closed' });
  });

  it('gives a private op a secret, keeps its URL out of events, and closes on job end even if still pending', async () => {
    const { tunnel, calls } = fakeTunnel();
    const events: ServiceEvent[] = [];
    const services = createJobServices({
      tunnel,
      job,
      definition,
      onUrl: () => {},
      onEvent: (e) => events.push(e),
    });
    services.onRuntimeEvent(endpoint('secret', 40000));
    expect(calls[0]!.parameters.secret).toMatch(/^[0-9a-f]{48}$/);
    services.close();
    calls[0]!.settle();
    await flush();
    expect(calls[0]!.closed).toBe(true);
    expect(events.every((e) => e.url === undefined && e.private)).toBe(true);
    // After the job ended nothing more is exposed.
    services.onRuntimeEvent(endpoint('web', 40001));
    expect(calls).toHaveLength(1);
  });

  it('reports a refusal as an event and nothing else', async () => {
    const { tunnel, calls } = fakeTunnel();
    const events: ServiceEvent[] = [];
    const services = createJobServices({
      tunnel,
      job,
      definition,
      onUrl: () => {},
      onEvent: (e) => events.push(e),
    });
    services.onRuntimeEvent(endpoint('web', 32768));
    calls[0]!.settle(new Error('not-runner'));
    await flush();
    expect(events).toEqual([
      { type: 'service', job, op: 'web', port: 80, status: 'failed', private: false, message: 'not-runner' },
    ]);
    services.close();
    expect(events).toHaveLength(1);
  });
});
