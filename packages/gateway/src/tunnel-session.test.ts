import { once } from 'node:events';
import { createServer, request } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTROL_PATH, TUNNEL_PATH, TUNNEL_UPGRADE } from './protocol.js';
import { switchToTunnel } from './tunnel-accept.js';
import { openTunnelSession, type TunnelSession } from './tunnel-session.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/**
 * A gateway end (an HTTP server whose upgrade opens a tunnel session, pings 10 minutes apart so that only the
 * socket can tell it the host left) and a host end (Node's HTTP/2 server over the upgraded socket) on loopback.
 */
async function tunnel() {
  const server = createServer();
  const closed = new Promise<TunnelSession>((resolve) => {
    server.on('upgrade', (_request, socket: Duplex, head: Buffer) => {
      switchToTunnel(socket, head, () =>
        openTunnelSession({
          id: 1,
          node: 'N',
          socket,
          pingMs: 600_000,
          onMessage: () => undefined,
          onClose: resolve,
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => server.close());
  const host = createH2Server();
  const control = new Promise<void>((resolve) =>
    host.on('stream', (stream, headers) => {
      stream.respond({ ':status': 200 });
      if (headers[':path'] === CONTROL_PATH) resolve();
    }),
  );
  host.on('session', (session) => session.on('error', () => undefined));
  const upgrade = request({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    path: TUNNEL_PATH,
    headers: { connection: 'Upgrade', upgrade: TUNNEL_UPGRADE },
  });
  upgrade.end();
  const [, socket, head] = (await once(upgrade, 'upgrade')) as [unknown, Duplex, Buffer];
  if (head.length) socket.unshift(head);
  host.emit('connection', socket);
  await control;
  return { socket, closed };
}

describe('a tunnel session', () => {
  it('ends as soon as the host hangs up, not at the next ping', async () => {
    const { socket, closed } = await tunnel();
    socket.end();
    const session = await closed;
    expect(session.closed).toBe(true);
    expect(session.node).toBe('N');
  });

  it('ends when the host’s connection is destroyed', async () => {
    const { socket, closed } = await tunnel();
    socket.destroy();
    expect((await closed).closed).toBe(true);
  });
});
