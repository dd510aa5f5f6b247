import type { JobDefinition } from '@nosana/core';
import { deploymentServiceId, serviceId } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import {
  createGatewayHealthSource,
  deploymentUrl,
  healthOfGatewayEvent,
  jobServiceIds,
} from './gateway-health.js';
import type { HealthEvent } from './health.js';

const JOB = 'Job1111111111111111111111111111111111111111';
const OTHER = 'Job2222222222222222222222222222222222222222';
const id = (job: string) => serviceId({ job, opIndex: 0, port: 8080 });

/**
 * A fake gateway behind `fetch`: an event stream the test writes to (one per connection; `drop()` ends the
 * current one) and `/s/<id>/` answers from `routes` (404 for unknown ids).
 */
function fakeGateway() {
  const streams: Array<ReadableStreamDefaultController<Uint8Array>> = [];
  const routes = new Map<string, { status: number; body: string }>();
  const connected: Array<() => void> = [];
  const encoder = new TextEncoder();
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    if (url.pathname === '/_gateway/events') {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          streams.push(controller);
          init?.signal?.addEventListener('abort', () => controller.error(new Error('aborted')));
          for (const resolve of connected.splice(0)) resolve();
        },
      });
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
    }
    const route = routes.get(url.pathname.split('/')[2] ?? '') ?? {
      status: 404,
      body: '{"error":"unknown-service"}',
    };
    return new Response(route.body, { status: route.status });
  }) as typeof globalThis.fetch;
  return {
    fetch,
    routes,
    /** Resolves once the source has (re)connected `n` times in all. */
    connections: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (streams.length >= n ? resolve() : connected.push(check));
        check();
      }),
    send(type: string, event: Record<string, unknown>, split = false) {
      const text = `event: ${type}\ndata: ${JSON.stringify({ type, ...event })}\n\n`;
      const current = streams.at(-1)!;
      if (!split) return current.enqueue(encoder.encode(text));
      // Chunks cut mid-line, as a network may deliver them.
      const middle = Math.floor(text.length / 2);
      current.enqueue(encoder.encode(text.slice(0, middle)));
      current.enqueue(encoder.encode(text.slice(middle)));
    },
    drop: () => streams.at(-1)!.close(),
  };
}

/** Collects a source's events; `next()` resolves with the next one. */
function collect(source: ReturnType<typeof createGatewayHealthSource>) {
  const seen: HealthEvent[] = [];
  const waiters: Array<(e: HealthEvent) => void> = [];
  source.subscribe((e) => {
    seen.push(e);
    waiters.shift()?.(e);
  });
  return { seen, next: () => new Promise<HealthEvent>((resolve) => waiters.push(resolve)) };
}

describe('gateway events as health', () => {
  it('maps registered to starting, online to online, offline and unregistered to offline', () => {
    const base = { serviceId: 'S', job: JOB, at: 5 };
    expect(healthOfGatewayEvent({ ...base, type: 'registered' })?.state).toBe('starting');
    expect(healthOfGatewayEvent({ ...base, type: 'online' })?.state).toBe('online');
    expect(healthOfGatewayEvent({ ...base, type: 'offline', reason: 'health-check-failed' })).toEqual({
      job: JOB,
      service: 'S',
      state: 'offline',
      at: 5,
      reason: 'offline: health-check-failed',
    });
    expect(healthOfGatewayEvent({ ...base, type: 'unregistered', reason: 'tunnel-lost' })?.state).toBe(
      'offline',
    );
    expect(healthOfGatewayEvent({ ...base, type: 'bogus' as 'online' })).toBeNull();
  });

  it('names the public services of a job and the stable URL of a deployment', () => {
    const definition = {
      version: '0.1',
      type: 'container',
      ops: [
        { type: 'container/run', id: 'a', args: { image: 'x', expose: [{ port: 8080 }, 9000] } },
        { type: 'container/run', id: 'b', args: { image: 'x', expose: 80, private: true } },
        { type: 'container/run', id: 'c', args: { image: 'x' } },
      ],
    } as unknown as JobDefinition;
    expect(jobServiceIds(definition, JOB)).toEqual([
      serviceId({ job: JOB, opIndex: 0, port: 8080 }),
      serviceId({ job: JOB, opIndex: 0, port: 9000 }),
    ]);
    const project = 'Owner111111111111111111111111111111111111111';
    const stable = deploymentServiceId({ deploymentId: 'dep_x', project });
    expect(stable).toHaveLength(45);
    expect(deploymentUrl({ gatewayUrl: 'http://localhost:8090/', deployment: 'dep_x', project })).toBe(
      `http://${stable}.localhost:8090`,
    );
    expect(deploymentUrl({ gatewayUrl: 'https://node.example.com', deployment: 'dep_x', project })).toBe(
      `https://${stable}.node.example.com`,
    );
  });
});

describe('createGatewayHealthSource (fake gateway)', () => {
  it('follows watched jobs through the event stream, only on changes, and ignores other jobs', async () => {
    const gateway = fakeGateway();
    const source = createGatewayHealthSource({ url: 'http://gateway.test', fetch: gateway.fetch });
    const { seen, next } = collect(source);
    const first = next();
    source.watch(JOB, { services: [id(JOB)] });
    expect(await first).toMatchObject({ job: JOB, state: 'starting' });
    await gateway.connections(1);

    gateway.send('registered', { serviceId: id(JOB), job: JOB, at: 1 });
    gateway.send('online', { serviceId: id(OTHER), job: OTHER, at: 2 });
    const online = next();
    gateway.send('online', { serviceId: id(JOB), job: JOB, at: 3 }, true);
    expect(await online).toMatchObject({ job: JOB, state: 'online', at: 3 });

    const offline = next();
    gateway.send('unregistered', { serviceId: id(JOB), job: JOB, reason: 'tunnel-lost', at: 4 });
    expect(await offline).toEqual({ job: JOB, state: 'offline', at: 4, reason: 'unregistered: tunnel-lost' });
    expect(seen.map((e) => e.state)).toEqual(['starting', 'online', 'offline']);
    await source.close();
  });

  it('reads the current state when watching and after a reconnect (events only tell changes)', async () => {
    const gateway = fakeGateway();
    gateway.routes.set(id(JOB), { status: 200, body: 'Hello' });
    const source = createGatewayHealthSource({
      url: 'http://gateway.test',
      fetch: gateway.fetch,
      backoff: { initialMs: 1, maxMs: 1 },
    });
    const { seen, next } = collect(source);
    source.watch(JOB, { services: [id(JOB)] });
    await source.settled?.();
    expect(seen).toMatchObject([{ state: 'starting' }, { state: 'online', reason: 'routed by the gateway' }]);

    // Offline while the stream was down; after the reconnect a starting service is read as such, no event
    // claims it online.
    await gateway.connections(1);
    const offline = next();
    gateway.send('offline', { serviceId: id(JOB), job: JOB, at: 10 });
    expect(await offline).toMatchObject({ state: 'offline' });
    gateway.routes.set(id(JOB), { status: 503, body: '{"error":"service-starting"}' });
    gateway.drop();
    await gateway.connections(2);
    const back = next();
    gateway.send('online', { serviceId: id(JOB), job: JOB, at: 20 });
    expect(await back).toMatchObject({ state: 'online', at: 20 });
    await source.close();
  });

  it('says nothing about a job without public services, nor after unwatch', async () => {
    const gateway = fakeGateway();
    const THIRD = 'Job3333333333333333333333333333333333333333';
    const source = createGatewayHealthSource({ url: 'http://gateway.test', fetch: gateway.fetch });
    const { seen, next } = collect(source);
    source.watch(OTHER, { services: [] });
    source.watch(JOB, { services: [id(JOB)] });
    source.watch(THIRD, { services: [id(THIRD)] });
    await gateway.connections(1);
    source.unwatch(JOB);
    gateway.send('online', { serviceId: id(JOB), job: JOB, at: 1 });
    gateway.send('online', { serviceId: id(OTHER), job: OTHER, at: 1 });
    // Events arrive in order: once THIRD's is seen, the two before it were read and ignored.
    const marker = next();
    gateway.send('online', { serviceId: id(THIRD), job: THIRD, at: 2 });
    await marker;
    expect(seen.map((e) => [e.job, e.state])).toEqual([
      [JOB, 'starting'],
      [THIRD, 'starting'],
      [THIRD, 'online'],
    ]);
    await source.close();
  });
});
