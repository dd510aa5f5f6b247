import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createProbeHealthSource, type HealthEvent } from './health.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('probe health source', () => {
  it('reports online, then offline when the endpoint fails, only on changes; nothing for jobs without endpoints', async () => {
    let status = 200;
    server = createServer((_, response) => {
      response.writeHead(status);
      response.end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
    const health = createProbeHealthSource({
      endpoints: async (job) => (job === 'web' ? [url] : []),
      intervalMs: 20,
      now: () => 1000,
    });
    const events: HealthEvent[] = [];
    const next = () =>
      new Promise<HealthEvent>((resolve) => {
        const off = health.subscribe((event) => {
          off();
          resolve(event);
        });
      });
    health.subscribe((event) => events.push(event));
    const online = next();
    health.watch('web');
    health.watch('batch');
    expect(await online).toEqual({ job: 'web', state: 'online', at: 1000 });
    const offline = next();
    status = 503;
    expect(await offline).toEqual({ job: 'web', state: 'offline', at: 1000 });
    const back = next();
    status = 200;
    await back;
    expect(events.map((e) => `${e.job}:${e.state}`)).toEqual(['web:online', 'web:offline', 'web:online']);
    health.unwatch('web');
    await health.close();
  });
});
