/**
 * Figures of the gateway, on a real localnet (the chain says the host runs the job), with the gateway in its own
 * process (test/gateway-process.ts), the host side (tunnel client + a real HTTP service) in this one for the first
 * figure and in its own process (test/host-process.ts) for the others, the load generator in this one:
 *
 * - time from the gateway's `online` event (first passing health check) to the first 200 a polling client gets,
 *   over `--n` expose/withdraw cycles (p50/p95; goal ≤ 1 s);
 * - added latency of a 1 KB GET through the gateway vs the service directly (keep-alive, sequential, p50; ≤ 2 ms);
 * - requests/s of 1 KB GETs through one tunnel with autocannon (50 connections, 10 s, 0 errors; ≥ 2,000 req/s),
 *   and directly as the baseline;
 * - a 500 MB streamed download through the gateway vs directly, median of 3 alternating pairs (MB/s; ≥ 200 MB/s).
 *
 * Run from packages/gateway: pnpm run bench [-- --n 20]
 */

import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { GatewayEvent } from '../src/events.js';
import { createTunnelClient } from '../src/tunnel-client.js';
import { spawnGateway, spawnHost, startChain, startService } from '../test/fixtures.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '20' } },
  args: process.argv.slice(2).filter((a) => a !== '--'),
});
const n = Number(values.n);
const out = (line = '') => process.stdout.write(`${line}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

const chain = await startChain();
const host = await chain.host();
const { job } = await chain.post({
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'web',
      args: {
        image: 'busybox:1.35',
        expose: [
          {
            port: 8080,
            health_checks: [{ type: 'http', path: '/health', method: 'GET', expected_status: 200 }],
          },
        ],
      },
    },
  ],
});
const inProcessService = await startService('bench');
// GATEWAY_CPU_PROF=<dir>: the gateway process profiles itself until the stream test starts (see gateway-process.ts).
const gateway = await spawnGateway({
  NOSANA_RPC: chain.localnet.rpcUrl,
  NOSANA_IPFS_API: chain.localnet.ipfsApiUrl,
  ...(process.env.GATEWAY_CPU_PROF ? { GATEWAY_CPU_PROF: process.env.GATEWAY_CPU_PROF } : {}),
});
process.on('exit', () => gateway.child.kill('SIGKILL'));
const gatewayEvents: GatewayEvent[] = [];
let onGatewayEvent: (() => void) | null = null;
if (gateway.child.stdout) {
  createInterface({ input: gateway.child.stdout }).on('line', (line) => {
    if (line.startsWith('{"type"')) gatewayEvents.push(JSON.parse(line) as GatewayEvent);
    if (line.startsWith('{"profile"')) out(`gateway CPU profile: ${JSON.parse(line).profile}`);
    onGatewayEvent?.();
  });
}
const tunnel = createTunnelClient({ gatewayUrl: `http://127.0.0.1:${gateway.port}`, keypair: host.key });

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const get = (port: number, path: string, hostHeader: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { host: hostHeader } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });

out(`# gateway — ${cpus().length} cores, load ${loadavg()[0]?.toFixed(2)}, ${new Date().toISOString()}`);

// 1. online → first successful response.
const firstResponse: number[] = [];
let id = '';
for (let i = 0; i < n; i++) {
  const mark = gatewayEvents.length;
  const exposed = await tunnel.expose({
    job,
    opIndex: 0,
    port: 8080,
    targetHost: '127.0.0.1',
    targetPort: inProcessService.port,
  });
  id = exposed.serviceId;
  let ok = 0;
  while (ok !== 200) ok = await get(gateway.port, '/whoami', `${id}.localhost`);
  const at = Date.now();
  while (!gatewayEvents.slice(mark).some((e) => e.type === 'online'))
    await new Promise<void>((r) => (onGatewayEvent = r));
  const online = gatewayEvents.slice(mark).find((e) => e.type === 'online') as GatewayEvent;
  firstResponse.push(at - online.at);
  const gone = gatewayEvents.length;
  exposed.close();
  while (!gatewayEvents.slice(gone).some((e) => e.type === 'unregistered'))
    await new Promise<void>((r) => (onGatewayEvent = r));
}
out(
  `first 200 after the first passing health check (n=${n}): p50 ${pct(firstResponse, 50)} ms, p95 ${pct(firstResponse, 95)} ms`,
);

// The rest: the host side (service + tunnel client) in its own process, as on a real host, so the load generator
// in this one does not share an event loop with the service or the tunnel.
await tunnel.close();
const hostSide = await spawnHost({
  gatewayUrl: `http://127.0.0.1:${gateway.port}`,
  key: host.key.secretKey,
  job,
});
process.on('exit', () => hostSide.child.kill('SIGKILL'));
const service = { port: hostSide.servicePort };
const hostHeader = `${id}.localhost`;
const path1k = '/stream?kb=1';

// 2. added latency (1 KB), alternating direct and through the gateway.
const direct: number[] = [];
const through: number[] = [];
for (let i = 0; i < 2000; i++) {
  let t = performance.now();
  await get(service.port, path1k, 'localhost');
  direct.push(performance.now() - t);
  t = performance.now();
  await get(gateway.port, path1k, hostHeader);
  through.push(performance.now() - t);
}
out(
  `1 KB GET, p50: direct ${pct(direct, 50).toFixed(2)} ms, through the gateway ${pct(through, 50).toFixed(2)} ms → added ${(pct(through, 50) - pct(direct, 50)).toFixed(2)} ms (p95 added ${(pct(through, 95) - pct(direct, 95)).toFixed(2)} ms)`,
);

// 3. requests/s (with GATEWAY_CPU_PROF=<dir>, this process — the load generator — is profiled).
const profiler = process.env.GATEWAY_CPU_PROF ? new Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const cannon = (port: number, host: string) =>
  autocannon({ url: `http://127.0.0.1:${port}${path1k}`, connections: 50, duration: 10, headers: { host } });
const base = await cannon(service.port, 'localhost');
const tun = await cannon(gateway.port, hostHeader);
const errors = (r: autocannon.Result) => `${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`;
out(
  `1 KB GETs, 50 connections, 10 s: direct ${Math.round(base.requests.average)} req/s (${errors(base)}), through one tunnel ${Math.round(tun.requests.average)} req/s (${errors(tun)}) → ×${(tun.requests.average / base.requests.average).toFixed(2)}`,
);

if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  const path = `${process.env.GATEWAY_CPU_PROF}/bench-${process.pid}.cpuprofile`;
  writeFileSync(path, JSON.stringify(profile));
  out(`bench CPU profile: ${path}`);
  gateway.child.kill('SIGUSR2');
}

// 4. a 500 MB stream.
const stream = async (port: number, host: string) => {
  const t = performance.now();
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/stream?mb=500', agent: false, headers: { host } },
      (res) => {
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', resolve);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
  if (bytes !== 500 * 1024 * 1024) throw new Error(`stream cut at ${bytes} bytes`);
  return (500 * 1.048576) / ((performance.now() - t) / 1000);
};
// Three pairs, alternating: single streams on this machine vary by ×2 or more from one run to the next.
const directRuns: number[] = [];
const tunnelRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  directRuns.push(await stream(service.port, 'localhost'));
  tunnelRuns.push(await stream(gateway.port, hostHeader));
}
const directMBs = pct(directRuns, 50);
const tunnelMBs = pct(tunnelRuns, 50);
out(
  `500 MB stream, median of 3: direct ${directMBs.toFixed(0)} MB/s, through the gateway ${tunnelMBs.toFixed(0)} MB/s → ×${(tunnelMBs / directMBs).toFixed(2)} (through the gateway: ${tunnelRuns.map((r) => r.toFixed(0)).join(', ')})`,
);

hostSide.child.kill('SIGTERM');
gateway.child.kill('SIGTERM');
await inProcessService.close();
await chain.close();
// A script, not library code: leave even if a client library keeps a socket open.
process.exit(0);
