/**
 * `nosana localnet start` with its gateway and indexer, end to end with the built binary: a node started with no
 * gateway flag finds the localnet's gateway, `job post` prints the service's public URL right after posting,
 * `job get` shows it online, the service answers through the gateway, and `localnet stop` stops everything.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceId } from '@nosana/core';
import { connectEngine, seedBusyboxImage } from '@nosana/runtime';
import { Keypair } from '@solana/web3.js';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliNode, freePort, startCliNode } from '../../../test/network.js';
import { REPO, runCli } from '../../../test/run-cli.js';
import type { DeploymentCreateResult } from '../deployment/create.js';
import type { DeploymentGetResult } from '../deployment/get.js';
import type { JobGetResult } from '../job/get.js';
import type { JobPostResult } from '../job/post.js';
import type { LocalnetStartResult } from './start.js';
import type { LocalnetStatusResult } from './status.js';

const dir = mkdtempSync(join(tmpdir(), 'nosana-cli-localnet-services-'));
const dataDir = join(dir, 'localnet');
let node: CliNode | undefined;
afterAll(async () => {
  await node?.stop();
  await runCli(['localnet', 'stop', '--data-dir', dataDir]);
  rmSync(dir, { recursive: true, force: true });
});

/** Two consecutive free ports (RPC and WebSocket). */
async function rpcPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65000 && (await isFree(port + 1))) return port;
  }
}
const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
const wallet = (name: string) => {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(Array.from(Keypair.generate().secretKey)), { mode: 0o600 });
  return path;
};
type Ok<T> = { status: 'ok'; result: T };

describe('nosana localnet start: gateway and indexer', () => {
  it('runs them next to the localnet; nodes and clients find the gateway; a service answers through it', async () => {
    const { docker } = await connectEngine();
    await seedBusyboxImage({ docker });
    const [rpc, ipfs, gatewayPort, indexerPort] = [
      await rpcPort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const start = await runCli([
      'localnet',
      'start',
      '--detach',
      '--data-dir',
      dataDir,
      '--rpc-port',
      String(rpc),
      '--ipfs-port',
      String(ipfs),
      '--gateway-port',
      String(gatewayPort),
      '--indexer-port',
      String(indexerPort),
      '--json',
    ]);
    expect(start.code, start.stderr).toBe(0);
    const started = start.json<Ok<LocalnetStartResult>>().result;
    expect(started).toMatchObject({
      gatewayUrl: `http://localhost:${gatewayPort}`,
      serviceUrl: `http://<service-id>.localhost:${gatewayPort}`,
      indexerUrl: `http://127.0.0.1:${indexerPort}`,
    });
    const status = (
      await runCli(['localnet', 'status', '--data-dir', dataDir, '--rpc-port', String(rpc), '--json'])
    ).json<Ok<LocalnetStatusResult>>().result;
    expect(status).toMatchObject({ gatewayUrl: started.gatewayUrl, indexerUrl: started.indexerUrl });
    expect((await fetch(`http://127.0.0.1:${gatewayPort}/_gateway/status`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${indexerPort}/health`)).status).toBe(200);

    const env = (path: string) => ({
      NOSANA_NETWORK: 'localnet',
      NOSANA_RPC: started.rpcUrl,
      NOSANA_IPFS_API: started.ipfsApiUrl,
      NOSANA_WALLET: path,
    });
    const host = wallet('host');
    const poster = wallet('poster');
    expect((await runCli(['wallet', 'airdrop', '--sol', '1', '--nos', '0'], { env: env(host) })).code).toBe(
      0,
    );
    expect((await runCli(['wallet', 'airdrop'], { env: env(poster) })).code).toBe(0);
    node = await startCliNode(env(host), join(dir, 'node'));
    expect(node.output()).toContain(`services published through http://localhost:${gatewayPort}`);

    // The URL is printed right after posting (computed from the definition and the job's address).
    const post = await runCli(
      ['job', 'post', '-f', join(REPO, 'examples', 'web-service.json'), '--timeout', '10m', '--json'],
      { env: env(poster) },
    );
    expect(post.code, post.stderr).toBe(0);
    const posted = post.json<Ok<JobPostResult>>().result;
    const id = serviceId({ job: posted.job, opIndex: 0, port: 8080 });
    const url = `http://${id}.localhost:${gatewayPort}`;
    expect(posted.services).toEqual([
      {
        op: 'web',
        opIndex: 0,
        port: 8080,
        serviceId: id,
        url,
        deploymentUrl: null,
        private: false,
        status: 'unknown',
      },
    ]);

    // job get shows its live status from the gateway: online once its health check passed there.
    const get = async () =>
      (await runCli(['job', 'get', posted.job, '--json'], { env: env(poster) })).json<Ok<JobGetResult>>()
        .result;
    await expect
      .poll(async () => (await get()).services[0]?.status, { timeout: 60_000, interval: 500 })
      .toBe('online');
    const human = await runCli(['job', 'get', posted.job], { env: env(poster) });
    expect(human.stdout).toContain(`service web:8080 ${url} (online)`);
    const answer = await fetch(`http://127.0.0.1:${gatewayPort}/s/${id}/`);
    expect(await answer.text()).toBe('Hello from a Nosana service\n');

    expect((await runCli(['job', 'stop', posted.job], { env: env(poster) })).code).toBe(0);

    // A deployment's manager finds the gateway too (no --gateway): its stable URL is on the localnet's gateway.
    const deployer = { ...env(poster), NOSANA_DEPLOYMENTS_DB: join(dir, 'deployments.db') };
    const created = await runCli(
      [
        'deployment',
        'create',
        '-f',
        join(REPO, 'examples', 'web-service.json'),
        '--timeout',
        '10m',
        '--budget',
        '5',
        '--json',
      ],
      { env: deployer },
    );
    expect(created.code, created.stdout + created.stderr).toBe(0);
    const deployment = created.json<Ok<DeploymentCreateResult>>().result.id;
    const view = await runCli(['deployment', 'get', deployment, '--json'], { env: deployer });
    expect(view.json<Ok<DeploymentGetResult>>().result.url).toMatch(
      new RegExp(`^http://[1-9A-HJ-NP-Za-km-z]{45}\\.localhost:${gatewayPort}$`),
    );
    expect((await runCli(['deployment', 'stop', deployment, '--json'], { env: deployer })).code).toBe(0);
    expect(await node.stop()).toBe(0);
    node = undefined;

    // Stopping the localnet stops its gateway and indexer.
    expect((await runCli(['localnet', 'stop', '--data-dir', dataDir])).code).toBe(0);
    expect(await isFree(gatewayPort)).toBe(true);
    expect(await isFree(indexerPort)).toBe(true);
  }, 240_000);
});
