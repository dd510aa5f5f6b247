/**
 * `nosana gateway start` through the built binary against a real localnet: it prints its envelope, serves a job's
 * service published by a host's tunnel, answers 404 for unknown ids, and stops on SIGTERM. Bad flags exit 1.
 */
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceId } from '@nosana/core';
import { createTunnelClient } from '@nosana/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestNetwork, type TestNetwork } from '../../../test/network.js';
import { CLI, REPO, runCli } from '../../../test/run-cli.js';
import type { GatewayStartResult } from './start.js';

let network: TestNetwork;
beforeAll(async () => {
  network = await startTestNetwork();
});
afterAll(async () => network?.close());

const get = (port: number, host: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('nosana gateway start', () => {
  it('serves the service of a job a host runs, through the host tunnel, until SIGTERM', async () => {
    const { path: walletPath } = network.wallet();
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [CLI, 'gateway', 'start', '--listen', `127.0.0.1:${port}`, '--json'],
      {
        cwd: REPO,
        env: { ...process.env, NO_COLOR: '1', ...network.env(walletPath) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    const started = await new Promise<GatewayStartResult>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        try {
          resolve((JSON.parse(stdout) as { result: GatewayStartResult }).result);
        } catch {
          // not complete yet
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    expect(started).toMatchObject({
      url: `http://localhost:${port}`,
      domain: 'localhost',
      network: 'localnet',
    });

    // A host claims a job through the chain client and publishes its port through the gateway.
    const { localnet } = network;
    const { createKuboStore, createNosanaClient } = await import('@nosana/chain');
    const { Keypair, LAMPORTS_PER_SOL } = await import('@solana/web3.js');
    const clientFor = (key: InstanceType<typeof Keypair>) =>
      createNosanaClient({
        network: 'localnet',
        rpcUrl: localnet.rpcUrl,
        wallet: key,
        ipfs: createKuboStore({ url: localnet.ipfsApiUrl }),
      });
    const hostKey = Keypair.generate();
    localnet.bank.airdrop(hostKey.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
    const host = clientFor(hostKey);
    await host.host.prepare();
    await host.host.work('cpu');
    const posterKey = Keypair.generate();
    localnet.bank.airdrop(posterKey.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
    localnet.airdropNos(posterKey.publicKey.toBase58(), 1_000_000_000n);
    const poster = clientFor(posterKey);
    const { job } = await poster.jobs.post({
      definition: {
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'web', args: { image: 'busybox:1.35', expose: 80 } }],
      },
      market: 'cpu',
      timeout: 600,
    });
    const service = createServer((_req, res) => res.end('served'));
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    const tunnel = createTunnelClient({
      gatewayUrl: started.url.replace('localhost', '127.0.0.1'),
      keypair: hostKey,
    });
    const online = new Promise<void>((r) => tunnel.on((e) => e.type === 'online' && r()));
    const exposed = await tunnel.expose({
      job: job.toBase58(),
      opIndex: 0,
      port: 80,
      targetHost: '127.0.0.1',
      targetPort: (service.address() as AddressInfo).port,
    });
    expect(exposed.serviceId).toBe(serviceId({ job: job.toBase58(), opIndex: 0, port: 80 }));
    expect(exposed.url).toBe(`http://${exposed.serviceId}.localhost:${port}`);
    await online;
    expect(await get(port, `${exposed.serviceId}.localhost`)).toEqual({ status: 200, body: 'served' });
    expect(
      (await get(port, `${serviceId({ job: job.toBase58(), opIndex: 1, port: 80 })}.localhost`)).status,
    ).toBe(404);

    await tunnel.close();
    service.close();
    host.close();
    poster.close();
    const exit = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('a malformed --listen exits 1 with the flag named', async () => {
    const run = await runCli(['gateway', 'start', '--listen', 'nowhere', '--json'], {
      env: { NOSANA_NETWORK: 'localnet' },
    });
    expect(run.code).toBe(1);
    expect(run.json<{ error: { code: string; message: string } }>().error).toMatchObject({
      code: 'CLI__INVALID_FLAG',
    });
    expect(run.stdout).toContain('--listen');
  });
});
