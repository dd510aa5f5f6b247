/**
 * A gateway in its own process, for tests that kill it: reads the localnet from NOSANA_RPC / NOSANA_IPFS_API,
 * listens on GATEWAY_PORT (0 = any) and prints `{"port": N}` then every event as JSON lines on stdout.
 * With GATEWAY_CPU_PROF=<dir> it profiles itself (V8 CPU profiler) from start until SIGUSR2, then writes
 * `<dir>/gateway-<pid>.cpuprofile` and prints `{"profile": path}`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { createKuboStore, createNosanaClient } from '@nosana/chain';
import { cachedChainReader, createChainReader } from '../src/chain-reader.js';
import { startGateway } from '../src/server.js';

const client = createNosanaClient({
  network: 'localnet',
  rpcUrl: process.env.NOSANA_RPC as string,
  ipfs: createKuboStore({ url: process.env.NOSANA_IPFS_API as string }),
});
const gateway = await startGateway({
  domain: 'localhost',
  listen: { host: process.env.GATEWAY_HOST ?? '127.0.0.1', port: Number(process.env.GATEWAY_PORT ?? 0) },
  chain: cachedChainReader({ reader: createChainReader({ client }), ttlMs: 1000 }),
  health: { startupIntervalMs: 100, intervalMs: 1000 },
});
const profileDir = process.env.GATEWAY_CPU_PROF;
if (profileDir) {
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  process.once('SIGUSR2', async () => {
    const { profile } = await inspector.post('Profiler.stop');
    const path = join(profileDir, `gateway-${process.pid}.cpuprofile`);
    writeFileSync(path, JSON.stringify(profile));
    process.stdout.write(`${JSON.stringify({ profile: path })}\n`);
  });
}
gateway.subscribe((event) => process.stdout.write(`${JSON.stringify(event)}\n`));
process.stdout.write(`${JSON.stringify({ port: gateway.port })}\n`);
// A fixture, not library code: exit once closed, whatever the RPC client's sockets are doing.
process.on('SIGTERM', () => {
  void gateway.close().finally(() => {
    client.close();
    process.exit(0);
  });
});
