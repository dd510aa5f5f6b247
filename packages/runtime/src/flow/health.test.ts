import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointStatus } from '@nosana/core';
import { afterEach, describe, expect, it } from 'vitest';
import { watchEndpoint } from './health.js';

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A loopback HTTP service that answers 503 to its first `failures` requests, then 200. */
async function flakyService(failures: number) {
  let requests = 0;
  const server = createServer((_, response) => {
    requests++;
    response.writeHead(requests > failures ? 200 : 503).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, requests: () => requests };
}

describe('watchEndpoint', () => {
  it('probes until the service is healthy, then reports ONLINE, leaving no listener on the signal', async () => {
    const service = await flakyService(5);
    const controller = new AbortController();
    const statuses: EndpointStatus[] = [];
    await watchEndpoint({
      port: service.port,
      checks: [{ type: 'http', path: '/', method: 'GET', expected_status: 200 }],
      onStatus: (status) => statuses.push(status),
      signal: controller.signal,
      startupIntervalMs: 1,
    });
    expect(statuses).toEqual(['ONLINE']);
    expect(service.requests()).toBe(6);
    // Each of the five waits between failed probes listened for the abort; none may be left behind.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
