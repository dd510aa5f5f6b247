/**
 * A host in its own process (run inside a network namespace by the tests): serves a real HTTP service on its own
 * loopback, opens the tunnel to GATEWAY_URL with the key HOST_KEY (JSON byte array), exposes op 0 port 8080 of
 * JOB, and prints the tunnel's events as JSON lines on stdout.
 */
import { Keypair } from '@solana/web3.js';
import { createTunnelClient } from '../src/tunnel-client.js';
import { startService } from './fixtures.js';

const service = await startService('netns-host');
const tunnel = createTunnelClient({
  gatewayUrl: process.env.GATEWAY_URL as string,
  keypair: Keypair.fromSecretKey(Uint8Array.from(JSON.parse(process.env.HOST_KEY as string) as number[])),
});
tunnel.on((event) => process.stdout.write(`${JSON.stringify(event)}\n`));
process.stdout.write(`${JSON.stringify({ type: 'service', port: service.port })}\n`);
await tunnel.expose({
  job: process.env.JOB as string,
  opIndex: 0,
  port: 8080,
  targetHost: '127.0.0.1',
  targetPort: service.port,
});
process.on('SIGTERM', () => {
  void tunnel.close().then(() => service.close());
});
