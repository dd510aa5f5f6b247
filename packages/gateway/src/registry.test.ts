import { PassThrough } from 'node:stream';
import { serviceId } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import type { GatewayChainReader } from './chain-reader.js';
import { createEventBus, type GatewayEvent } from './events.js';
import type { GatewayMessage } from './protocol.js';
import { createRegistry } from './registry.js';
import type { TunnelSession } from './tunnel-session.js';

const JOB = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';

function fakeSession(node: string, id: number) {
  const sent: GatewayMessage[] = [];
  const session: TunnelSession = {
    id,
    node,
    send: (m) => sent.push(m),
    open: async () => new PassThrough(), // the host connects: the probe passes
    request: () => {
      throw new Error('not used by the registry');
    },
    close: () => undefined,
    closed: false,
  };
  return { session, sent };
}

function setUp(runner: { value: string }) {
  const chain: GatewayChainReader = {
    runnerOf: async () => runner.value,
    serviceOf: async (_job, _op, port) =>
      port === 80 ? { private: false, deployment: { id: 'd', project: 'P' }, healthChecks: [] } : null,
  };
  const bus = createEventBus();
  const events: GatewayEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const registry = createRegistry({
    chain,
    bus,
    now: () => 0,
    urlOf: (id) => `http://${id}.localhost`,
    health: { startupIntervalMs: 60_000, intervalMs: 60_000 },
  });
  const online = () =>
    new Promise<void>((resolve) => {
      const stop = bus.subscribe((e) => {
        if (e.type === 'online') {
          stop();
          resolve();
        }
      });
    });
  return { registry, events, online };
}

const expose = { type: 'expose' as const, ref: 'web', job: JOB, opIndex: 0, port: 80 };

describe('registry', () => {
  it('routes a registered id (case-insensitively) once its probe passed, and drops it with its tunnel', async () => {
    const runner = { value: 'A' };
    const { registry, events, online } = setUp(runner);
    const a = fakeSession('A', 1);
    const isOnline = online();
    await registry.handle(a.session, expose);
    const id = serviceId({ job: JOB, opIndex: 0, port: 80 });
    expect(a.sent[0]).toMatchObject({ type: 'exposed', serviceId: id, url: `http://${id}.localhost` });
    expect(registry.route(id).kind).toBe('starting');
    await isOnline;
    expect(registry.route(id.toLowerCase()).kind).toBe('online');
    registry.drop(a.session);
    expect(registry.route(id).kind).toBe('unknown');
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ['registered', undefined],
      ['online', undefined],
      ['unregistered', 'tunnel-lost'],
    ]);
    registry.close();
  });

  it('round-robins a deployment id over online replicas', async () => {
    const runner = { value: 'A' };
    const { registry, online } = setUp(runner);
    const a = fakeSession('A', 1);
    let isOnline = online();
    await registry.handle(a.session, expose);
    await isOnline;
    runner.value = 'B';
    const b = fakeSession('B', 2);
    isOnline = online();
    await registry.handle(b.session, { ...expose, job: '8xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU' });
    await isOnline;
    const deployment = (a.sent[0] as Extract<GatewayMessage, { type: 'exposed' }>).deploymentUrl as string;
    const key = new URL(deployment).hostname.split('.')[0] as string;
    const picked = [1, 2, 3, 4].map(() => {
      const route = registry.route(key);
      return route.kind === 'online' ? route.endpoint.session.node : null;
    });
    expect(picked).toEqual(['A', 'B', 'A', 'B']);
    registry.close();
  });

  it('refuses a host the chain does not name, ports not exposed, malformed requests, and ids held by another host', async () => {
    const runner = { value: 'A' };
    const { registry } = setUp(runner);
    const a = fakeSession('A', 1);
    const b = fakeSession('B', 2);
    await registry.handle(b.session, expose);
    await registry.handle(a.session, { ...expose, port: 81 });
    await registry.handle(a.session, { ...expose, ref: 'Bad Ref' });
    await registry.handle(a.session, expose);
    // The chain now says B runs the job while A still holds the id (A is dropped at its next check).
    runner.value = 'B';
    await registry.handle(b.session, expose);
    const answers = [...b.sent, ...a.sent].filter((m) => m.type === 'refused' || m.type === 'exposed');
    expect(answers.map((m) => (m.type === 'refused' ? m.reason : m.type))).toEqual([
      'not-runner',
      'conflict',
      'not-exposed',
      'bad-request',
      'exposed',
    ]);
    registry.close();
  });
});
