import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNosanaError } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureNetwork } from './network-speed.js';

let server: Server;
let url: string;
let uploaded = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/missing') {
      response.writeHead(404).end();
      return;
    }
    if (request.method === 'POST') {
      request.on('data', (chunk: Buffer) => {
        uploaded += chunk.length;
      });
      request.on('end', () => response.end('ok'));
      return;
    }
    response.end(Buffer.alloc(2_000_000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('measureNetwork (a loopback endpoint, a stepped clock)', () => {
  it('downloads and uploads the bytes and computes Mbps from the clock', async () => {
    // The clock advances 100 ms at each reading: GET sent (0), headers (100), body read (200), POST (300), done (400).
    let t = 0;
    const now = () => {
      const value = t;
      t += 100;
      return value;
    };
    const speed = await measureNetwork({ url: `${url}/blob`, uploadBytes: 1_000_000, now });
    expect(uploaded).toBe(1_000_000);
    expect(speed).toEqual({
      url: `${url}/blob`,
      latencyMs: 100,
      downloadBytes: 2_000_000,
      downloadMbps: 80, // 16 Mbit in 0.2 s
      uploadBytes: 1_000_000,
      uploadMbps: 80, // 8 Mbit in 0.1 s
    });
  });

  it('fails with NODE__SPEED_TEST_FAILED on a bad URL, an HTTP error, a closed port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    for (const [target, reason] of [
      ['ftp://127.0.0.1/file', 'not an http(s) URL'],
      [`${url}/missing`, 'HTTP 404'],
      [`http://127.0.0.1:${port}/`, 'fetch failed'],
    ] as const) {
      const error = await measureNetwork({ url: target }).catch((e: unknown) => e);
      expect(isNosanaError(error, 'NODE__SPEED_TEST_FAILED')).toBe(true);
      expect((error as Error).message).toContain(reason);
    }
  });
});
