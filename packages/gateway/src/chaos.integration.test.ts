/**
 * Chaos: the gateway process is killed with SIGKILL mid-stream, and the tunnel's TCP connection is cut; the host's
 * tunnel client reconnects with backoff and re-registers, and the URL answers again. Reconnection is asserted by
 * the client's events, never by timing.
 */
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import type { JobDefinition } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChainFixture,
  get,
  type ServiceFixture,
  spawnGateway,
  startChain,
  startService,
  tunnelEvent,
} from '../test/fixtures.js';
import { createTunnelClient, type TunnelClient, type TunnelEvent } from './tunnel-client.js';

const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'web', args: { image: 'busybox:1.35', expose: 8080 } }],
};

let chain: ChainFixture;
let service: ServiceFixture & { releaseGate(): void };
let gateway: { child: ChildProcess; port: number };
let env: Record<string, string>;
let tunnel: TunnelClient;
let id: string;
const events: TunnelEvent[] = [];

// A TCP relay between the host and the gateway, so the test can cut the tunnel's connection.
const relayed = new Set<Socket>();
const relay = createServer((client) => {
  const upstream = connect(gateway.port, '127.0.0.1');
  relayed.add(client).add(upstream);
  client.pipe(upstream).pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
    relayed.delete(client);
    relayed.delete(upstream);
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
});

beforeAll(async () => {
  chain = await startChain();
  const host = await chain.host();
  const { job } = await chain.post(definition);
  service = await startService('web');
  env = { NOSANA_RPC: chain.localnet.rpcUrl, NOSANA_IPFS_API: chain.localnet.ipfsApiUrl, GATEWAY_PORT: '0' };
  gateway = await spawnGateway(env);
  env.GATEWAY_PORT = String(gateway.port);
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  tunnel = createTunnelClient({
    gatewayUrl: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
    keypair: host.key,
    backoff: { initialMs: 100, maxMs: 1000 },
  });
  tunnel.on((e) => events.push(e));
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
  gateway?.child.kill('SIGKILL');
  for (const s of relayed) s.destroy();
  relay.close();
  await service?.close();
  await chain?.close();
});

const since = (mark: number) => events.slice(mark).map((e) => e.type);

describe('gateway chaos', () => {
  it('kill -9 of the gateway mid-stream: the stream fails, the host reconnects with backoff and the URL answers again', async () => {
    expect((await get(gateway.port, '/whoami', `${id}.localhost`)).body).toBe('web');
    // A download in flight: the service holds it after the first MiB.
    let received = 0;
    const download = new Promise<'complete' | 'cut'>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: gateway.port,
          path: '/stream?mb=50&gate=1',
          headers: { host: `${id}.localhost` },
        },
        (res) => {
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received >= 1024 * 1024 && !gateway.child.killed) gateway.child.kill('SIGKILL');
          });
          res.on('end', () => resolve(received === 50 * 1024 * 1024 ? 'complete' : 'cut'));
          res.on('error', () => resolve('cut'));
          res.on('aborted', () => resolve('cut'));
        },
      );
      req.on('error', () => resolve('cut'));
      req.end();
    });
    const mark = events.length;
    const disconnected = tunnelEvent(tunnel, (e) => e.type === 'disconnected');
    expect(await download).toBe('cut');
    service.releaseGate();
    await disconnected;
    // While the gateway is down the client keeps retrying, each delay within the backoff cap.
    await tunnelEvent(tunnel, (e) => e.type === 'reconnecting' && e.attempt >= 2);

    const online = tunnelEvent(tunnel, (e) => e.type === 'online');
    gateway = await spawnGateway(env);
    await online;
    expect(since(mark)).toEqual(
      expect.arrayContaining(['disconnected', 'reconnecting', 'connected', 'exposed', 'online']),
    );
    const delays = events.slice(mark).flatMap((e) => (e.type === 'reconnecting' ? [e.delayMs] : []));
    expect(Math.max(...delays)).toBeLessThanOrEqual(1200);
    expect((await get(gateway.port, '/whoami', `${id}.localhost`)).body).toBe('web');
  });

  it('a cut tunnel connection: the host reconnects and re-registers; the URL answers again', async () => {
    const mark = events.length;
    const online = tunnelEvent(tunnel, (e) => e.type === 'online');
    for (const s of relayed) s.destroy();
    await online;
    expect(since(mark)).toEqual(['disconnected', 'reconnecting', 'connected', 'exposed', 'online']);
    expect((await get(gateway.port, '/whoami', `${id}.localhost`)).body).toBe('web');
  });
});
