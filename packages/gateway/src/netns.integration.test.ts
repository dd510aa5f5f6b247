/**
 * A host with no inbound reachability: it runs in a network namespace the test creates (a veth pair, addresses
 * 10.213.N.0/30), its service listens on the namespace's own loopback, and it reaches the gateway only through its
 * outbound tunnel. Needs root (ip netns); everything created is removed afterwards.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import type { JobDefinition } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainFixture, get, spawnHost, startChain } from '../test/fixtures.js';
import { cachedChainReader, createChainReader } from './chain-reader.js';
import { type Gateway, startGateway } from './server.js';

const n = process.pid % 250;
const ns = `nosana-gw-${process.pid}`;
const veth = `ngw${process.pid % 100_000}`;
const outside = `10.213.${n}.1`;
const inside = `10.213.${n}.2`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

let chain: ChainFixture;
let gateway: Gateway;
let host: ChildProcess;
let servicePort = 0;
let serviceId = '';

beforeAll(async () => {
  ip('netns', 'add', ns);
  ip('link', 'add', `${veth}h`, 'type', 'veth', 'peer', 'name', `${veth}n`);
  ip('link', 'set', `${veth}n`, 'netns', ns);
  ip('addr', 'add', `${outside}/30`, 'dev', `${veth}h`);
  ip('link', 'set', `${veth}h`, 'up');
  ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${inside}/30`, 'dev', `${veth}n`);
  ip('netns', 'exec', ns, 'ip', 'link', 'set', `${veth}n`, 'up');
  ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');

  chain = await startChain();
  const h = await chain.host();
  const { job } = await chain.post({
    version: '0.1',
    type: 'container',
    ops: [{ type: 'container/run', id: 'web', args: { image: 'busybox:1.35', expose: 8080 } }],
  } satisfies JobDefinition);
  gateway = await startGateway({
    domain: 'localhost',
    listen: { host: outside, port: 0 },
    chain: cachedChainReader({ reader: createChainReader({ client: chain.reader }) }),
    health: { startupIntervalMs: 100 },
  });
  const hostSide = await spawnHost({
    gatewayUrl: `http://${outside}:${gateway.port}`,
    key: h.key.secretKey,
    job,
    prefix: ['ip', 'netns', 'exec', ns],
  });
  host = hostSide.child;
  servicePort = hostSide.servicePort;
  serviceId = hostSide.serviceId;
});
afterAll(async () => {
  host?.kill('SIGKILL');
  await gateway?.close();
  await chain?.close();
  try {
    ip('netns', 'del', ns); // removes the veth pair too
  } catch {
    // not created
  }
});

describe('a host in its own network namespace', () => {
  it('cannot be reached from outside, yet serves through its outbound tunnel', async () => {
    const direct = await new Promise<string>((resolve) => {
      const socket = connect(servicePort, inside);
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(direct).toBe('ECONNREFUSED');

    const answer = await get(gateway.port, '/whoami', `${serviceId}.localhost`, outside);
    expect(answer).toMatchObject({ status: 200, body: 'netns-host' });
  });
});
