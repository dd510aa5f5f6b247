import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress, logisticsRequest } from './logistics-http.js';

describe('logisticsRequest (a job’s endpoint is hostile)', () => {
  it('classifies the host’s and private networks’ addresses, IPv4-mapped ones too', () => {
    for (const address of [
      '127.0.0.1',
      '10.2.3.4',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['1.1.1.1', '8.8.8.8', '2606:4700::1111'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('refuses a name that resolves to the host, and a non-http scheme, before any connection', async () => {
    const base = { method: 'GET' as const, maxBytes: 1024, timeoutMs: 2000 };
    await expect(logisticsRequest({ ...base, url: 'http://localhost:9/x' })).rejects.toThrow(
      /localhost resolves to (127\.0\.0\.1|::1), not a public address/,
    );
    await expect(logisticsRequest({ ...base, url: 'http://[::1]:9/x' })).rejects.toThrow(
      /not a public address/,
    );
    await expect(logisticsRequest({ ...base, url: 'file:///etc/passwd' })).rejects.toThrow(
      /only http and https/,
    );
  });

  it('reads an allowed endpoint’s answer up to its size limit', async () => {
    const server = createServer((_, response) => response.end('x'.repeat(2000)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const base = { url, method: 'GET' as const, timeoutMs: 2000, allowPrivate: true };
      expect(await logisticsRequest({ ...base, maxBytes: 4096 })).toEqual({
        status: 200,
        body: 'x'.repeat(2000),
      });
      await expect(logisticsRequest({ ...base, maxBytes: 1000 })).rejects.toThrow(/larger than 1000 bytes/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
