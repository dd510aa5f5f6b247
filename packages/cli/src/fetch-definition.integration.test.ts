/** fetchDefinition against real HTTP servers on loopback. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNosanaError } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDefinition } from './fetch-definition.js';

const BODY = '{"version":"0.1","type":"container","ops":[]}';
let server: Server;
let base = '';
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.url === '/job.json') res.end(BODY);
    else if (req.url === '/big') res.end('x'.repeat(2048));
    else if (req.url === '/chunked-big') {
      res.write('x'.repeat(800));
      res.end('x'.repeat(800));
    } else if (req.url?.startsWith('/loop')) {
      res.writeHead(302, { location: `/loop${Number(req.url.slice(5) || 0) + 1}` }).end();
    } else if (req.url === '/hang') {
      // never answers: the client's timeout ends it
    } else res.writeHead(404).end('no');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fetchIt = (path: string, options: { allowPrivate?: boolean; timeoutMs?: number } = {}) =>
  fetchDefinition({
    url: `${base}${path}`,
    allowPrivate: options.allowPrivate ?? true,
    maxBytes: 1024,
    ...options,
  });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (e: unknown) => (isNosanaError(e) ? e.code : String(e)),
  );

describe('fetchDefinition', () => {
  it('fetches a definition when private hosts are allowed (localnet)', async () => {
    expect(await fetchIt('/job.json')).toBe(BODY);
  });

  it('refuses loopback hosts, by address or by name, without sending a request', async () => {
    const before = requests;
    expect(await codeOf(fetchIt('/job.json', { allowPrivate: false }))).toBe('CLI__URL_REFUSED');
    const byName = base.replace('127.0.0.1', 'localhost');
    expect(
      await codeOf(fetchDefinition({ url: `${byName}/job.json`, allowPrivate: false, maxBytes: 1024 })),
    ).toBe('CLI__URL_REFUSED');
    expect(requests).toBe(before);
  });

  it('enforces the size limit, announced or streamed', async () => {
    expect(await codeOf(fetchIt('/big'))).toBe('CLI__URL_REFUSED');
    expect(await codeOf(fetchIt('/chunked-big'))).toBe('CLI__URL_REFUSED');
  });

  it('reports HTTP errors, redirect loops and timeouts with their codes', async () => {
    expect(await codeOf(fetchIt('/missing'))).toBe('CLI__URL_FAILED');
    expect(await codeOf(fetchIt('/loop'))).toBe('CLI__URL_REFUSED');
    expect(await codeOf(fetchIt('/hang', { timeoutMs: 300 }))).toBe('CLI__URL_UNREACHABLE');
  });
});
