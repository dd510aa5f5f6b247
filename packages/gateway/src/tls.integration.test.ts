/**
 * HTTPS on a localnet gateway with its own local CA: a real localnet (the host runs the job), a real service, the
 * tunnel over TLS, and clients that trust only that CA — over HTTP/1.1, HTTP/2 (ALPN h2), a WebSocket over HTTP/1.1
 * and one over HTTP/2 (RFC 8441).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:http2';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ChainFixture,
  type ServiceFixture,
  startChain,
  startService,
  tunnelEvent,
} from '../test/fixtures.js';
import { cachedChainReader, createChainReader } from './chain-reader.js';
import { ensureLocalCa, type LocalCa } from './local-ca.js';
import { type Gateway, startGateway } from './server.js';
import { createTunnelClient, type TunnelClient } from './tunnel-client.js';

const dir = mkdtempSync(join(tmpdir(), 'nosana-gateway-tls-'));
let chain: ChainFixture;
let service: ServiceFixture;
let gateway: Gateway;
let tunnel: TunnelClient;
let ca: LocalCa;
let id: string;

beforeAll(async () => {
  chain = await startChain();
  const host = await chain.host();
  const { job } = await chain.post({
    version: '0.1',
    type: 'container',
    ops: [{ type: 'container/run', id: 'web', args: { image: 'busybox:1.35', expose: 8080 } }],
  });
  service = await startService('tls-web');
  ca = ensureLocalCa({ dir: join(dir, 'ca') });
  gateway = await startGateway({
    domain: 'localhost',
    tls: ca.tls,
    chain: cachedChainReader({ reader: createChainReader({ client: chain.reader }), ttlMs: 500 }),
    health: { startupIntervalMs: 100, intervalMs: 500 },
  });
  tunnel = createTunnelClient({ gatewayUrl: gateway.url, keypair: host.key, ca: ca.caCert });
  const online = tunnelEvent(tunnel, (e) => e.type === 'online');
  ({ serviceId: id } = await tunnel.expose({
    job,
    opIndex: 0,
    port: 8080,
    targetHost: '127.0.0.1',
    targetPort: service.port,
  }));
  await online;
});
afterAll(async () => {
  await tunnel?.close();
  await gateway?.close();
  await service?.close();
  await chain?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway over HTTPS with a local CA', () => {
  it('serves https:// URLs, and the host opened its tunnel over TLS', () => {
    expect(gateway.url).toBe(`https://localhost:${gateway.port}`);
    expect(gateway.serviceUrl(id)).toBe(`https://${id}.localhost:${gateway.port}`);
    expect(tunnel.connected).toBe(true);
  });

  it('answers over HTTPS (HTTP/1.1) a client that trusts only the local CA', async () => {
    const answer = await new Promise<{ status: number; body: string; alpn: unknown }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: gateway.port,
          path: '/hello',
          servername: `${id}.localhost`,
          headers: { host: `${id}.localhost:${gateway.port}` },
          ca: ca.caCert,
          agent: false,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body,
              alpn: (res.socket as { alpnProtocol?: unknown }).alpnProtocol,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('hello from tls-web');
    expect(answer.body).toContain('forwarded');
  });

  it('answers over HTTP/2 (ALPN h2), several requests on one connection', async () => {
    const session = connect(`https://127.0.0.1:${gateway.port}`, {
      ca: ca.caCert,
      servername: `${id}.localhost`,
    });
    try {
      const fetchOne = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const stream = session.request({ ':path': path, ':authority': `${id}.localhost:${gateway.port}` });
          let status = 0;
          let body = '';
          stream.setEncoding('utf8');
          stream.on('response', (headers) => (status = Number(headers[':status'])));
          stream.on('data', (d: string) => (body += d));
          stream.on('end', () => resolve({ status, body }));
          stream.on('error', reject);
        });
      const answers = await Promise.all([
        fetchOne('/whoami'),
        fetchOne('/stream?kb=64'),
        fetchOne('/whoami'),
      ]);
      expect(session.alpnProtocol).toBe('h2');
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers[0]?.body).toBe('tls-web');
      expect(answers[1]?.body.length).toBe(64 * 1024);
    } finally {
      session.close();
    }
  });

  it('refuses a client that does not trust the CA (certificate verification fails)', async () => {
    const failure = await new Promise<Error>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: gateway.port, path: '/', servername: `${id}.localhost`, agent: false },
        () => resolve(new Error('unexpected answer')),
      );
      req.on('error', resolve);
      req.end();
    });
    expect((failure as NodeJS.ErrnoException).code).toMatch(/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/);
  });

  it('carries a WebSocket (wss://) through the HTTP/1.1 upgrade on the same port', async () => {
    // ws hands its options to https.request, which takes `servername` (SNI) too.
    const options: WebSocket.ClientOptions & { servername: string } = {
      ca: ca.caCert,
      servername: `${id}.localhost`,
      headers: { host: `${id}.localhost:${gateway.port}` },
    };
    const socket = new WebSocket(`wss://127.0.0.1:${gateway.port}/ws`, options);
    const echo = await new Promise<string>((resolve, reject) => {
      socket.on('open', () => socket.send('ping over tls'));
      socket.on('message', (data) => resolve(String(data)));
      socket.on('error', reject);
    });
    socket.close();
    expect(echo).toBe('ping over tls');
  });

  it('carries a WebSocket over HTTP/2 (RFC 8441 extended CONNECT) to the HTTP/1.1 service', async () => {
    const session = connect(`https://127.0.0.1:${gateway.port}`, {
      ca: ca.caCert,
      servername: `${id}.localhost`,
    });
    try {
      // The gateway announces extended CONNECT in its SETTINGS.
      await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
      expect(session.remoteSettings.enableConnectProtocol).toBe(true);
      const stream = session.request(
        {
          ':method': 'CONNECT',
          ':protocol': 'websocket',
          ':scheme': 'https',
          ':path': '/ws',
          ':authority': `${id}.localhost:${gateway.port}`,
          'sec-websocket-version': '13',
        },
        { endStream: false },
      );
      const status = await new Promise<number>((resolve, reject) => {
        stream.once('response', (headers) => resolve(Number(headers[':status'])));
        stream.once('error', reject);
      });
      expect(status).toBe(200);
      // One masked text frame (a client's frames are masked), and the service's unmasked echo back.
      const text = Buffer.from('ping over h2');
      const mask = Buffer.from([1, 2, 3, 4]);
      const masked = Buffer.from(text.map((byte, i) => byte ^ mask[i % 4]!));
      stream.write(Buffer.concat([Buffer.from([0x81, 0x80 | text.length]), mask, masked]));
      const frame = await new Promise<Buffer>((resolve) => {
        let got = Buffer.alloc(0);
        stream.on('data', (chunk: Buffer) => {
          got = Buffer.concat([got, chunk]);
          if (got.length >= 2 && got.length >= 2 + (got[1]! & 0x7f)) resolve(got);
        });
      });
      expect(frame[0]).toBe(0x81);
      expect(frame.subarray(2, 2 + (frame[1]! & 0x7f)).toString()).toBe('ping over h2');
      stream.close();
    } finally {
      session.close();
    }
  });

  it('curl trusting the CA gets the answer over h2 on <id>.localhost', async () => {
    const { stdout } = await promisify(execFile)('curl', [
      '-sS',
      '--http2',
      '--cacert',
      ca.caCertPath,
      '--resolve',
      `${id.toLowerCase()}.localhost:${gateway.port}:127.0.0.1`,
      '-w',
      '\n%{http_version} %{http_code}',
      `https://${id.toLowerCase()}.localhost:${gateway.port}/whoami`,
    ]);
    expect(stdout).toBe('tls-web\n2 200');
  });
});
