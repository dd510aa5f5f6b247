/**
 * A host with no inbound reachability: it runs in a network namespace the test creates (a veth pair, addresses
 * 10.213.N.0/30), its service listens on the namespace's own loopback, and it reaches the gateway only through its
 * outbound tunnel. Needs root (ip netns); everything created is removed afterwards.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { JobDefinition } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChainFixture, get, startChain } from '../test/fixtures.js';
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
const lines: Array<{ type: string; port?: number }> = [];
let onLine: (() => void) | null = null;
const waitLine = async (predicate: (l: { type: string; port?: number }) => boolean) => {
  while (!lines.some(predicate)) await new Promise<void>((r) => (onLine = r));
  return lines.find(predicate) as { type: string; port?: number };
};

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
  host = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      process.execPath,
      '--conditions=@nosana/source',
      '--import',
      'tsx',
      fileURLToPath(new URL('../test/host-process.ts', import.meta.url)),
    ],
    {
      env: {
        ...process.env,
        GATEWAY_URL: `http://${outside}:${gateway.port}`,
        HOST_KEY: JSON.stringify([...h.key.secretKey]),
        JOB: job,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let text = '';
  host.stdout?.setEncoding('utf8');
  host.stdout?.on('data', (d: string) => {
    text += d;
    const parts = text.split('\n');
    text = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
    onLine?.();
  });
  servicePort = (await waitLine((l) => l.type === 'service')).port as number;
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

    const exposed = (await waitLine((l) => l.type === 'exposed')) as unknown as { serviceId: string };
    await waitLine((l) => l.type === 'online');
    const answer = await get(gateway.port, '/whoami', `${exposed.serviceId}.localhost`, outside);
    expect(answer).toMatchObject({ status: 200, body: 'netns-host' });
  });
});
