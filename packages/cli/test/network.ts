/** A localnet in the test process and environment variables that point the `nosana` binary at it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKuboStore, createNosanaClient, type NosanaClient } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import type { HostNode, StartHostNodeParameters } from '@nosana/node';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';

export interface TestNetwork {
  localnet: Localnet;
  dir: string;
  /** A funded wallet file (SOL, and NOS base units when asked) and its key. */
  wallet(nos?: bigint): { path: string; key: Keypair };
  /** Env for the binary: this localnet, this wallet. */
  env(walletPath: string): NodeJS.ProcessEnv;
  /** A chain client on this localnet (RPC, WebSocket, IPFS), signing with `key` when given; closed with the network. */
  client(key?: Keypair): NosanaClient;
  /**
   * A node in this process (startHostNode, the real Docker engine) with a new wallet, queued in the `cpu` market;
   * stopped, and its state removed, with the network.
   */
  host(options?: Partial<Pick<StartHostNodeParameters, 'api' | 'gateway' | 'version'>>): Promise<HostNode>;
  close(): Promise<void>;
}

export async function startTestNetwork(): Promise<TestNetwork> {
  const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'nosana-cli-test-'));
  let wallets = 0;
  const clients: NosanaClient[] = [];
  const hosts: HostNode[] = [];
  const network: TestNetwork = {
    localnet,
    dir,
    wallet(nos = 0n) {
      const key = Keypair.generate();
      const path = join(dir, `wallet-${wallets++}.json`);
      writeFileSync(path, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
      localnet.bank.airdrop(key.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
      if (nos > 0n) localnet.airdropNos(key.publicKey.toBase58(), nos);
      return { path, key };
    },
    env: (walletPath) => ({
      NOSANA_NETWORK: 'localnet',
      NOSANA_RPC: localnet.rpcUrl,
      NOSANA_IPFS_API: localnet.ipfsApiUrl,
      NOSANA_WALLET: walletPath,
    }),
    client(key) {
      const client = createNosanaClient({
        network: 'localnet',
        rpcUrl: localnet.rpcUrl,
        wsUrl: localnet.wsUrl,
        ipfs: createKuboStore({ url: localnet.ipfsApiUrl }),
        ...(key ? { wallet: key } : {}),
      });
      clients.push(client);
      return client;
    },
    async host(options = {}) {
      const { connectEngine, seedBusyboxImage } = await import('@nosana/runtime');
      const { startHostNode } = await import('@nosana/node');
      const { engine, docker } = await connectEngine();
      await seedBusyboxImage({ docker });
      const wallet = network.wallet();
      const stateDir = mkdtempSync(join(dir, 'node-'));
      let queued: () => void = () => undefined;
      const ready = new Promise<void>((resolve) => {
        queued = resolve;
      });
      const host = await startHostNode({
        client: network.client(wallet.key),
        wallet: wallet.key,
        stateDir,
        engine,
        market: 'cpu',
        detectedGpus: { gpus: [], cudaVersion: null, reason: 'tests run without GPUs' },
        pollMs: 500,
        lockDir: join(stateDir, 'locks'),
        api: false,
        checks: { minDiskBytes: 1024 ** 2 },
        ...options,
        onEvent: (event) => {
          if (event.type === 'state' && event.state === 'queued') queued();
        },
      });
      hosts.push(host);
      await Promise.race([ready, host.done]);
      return host;
    },
    async close() {
      await Promise.allSettled(hosts.splice(0).map((host) => host.stop()));
      for (const client of clients.splice(0)) client.close();
      await localnet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return network;
}

/** A TCP port free right now (for commands that take a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A `nosana node start` process. */
export interface CliNode {
  child: import('node:child_process').ChildProcess;
  api: string;
  output(): string;
  /** SIGTERM, then waits for it to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `nosana node start` (the built binary) on the test network and waits until it is queued. */
export async function startCliNode(
  env: NodeJS.ProcessEnv,
  stateDir: string,
  /** More flags for `node start`. */
  args: string[] = [],
): Promise<CliNode> {
  const { spawn } = await import('node:child_process');
  const { CLI } = await import('./run-cli.js');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      CLI,
      'node',
      'start',
      '--market',
      'cpu',
      '--state-dir',
      stateDir,
      '--api-port',
      String(port),
      '--min-disk',
      '0',
      ...args,
    ],
    {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!/queued in market/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the node did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    api: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
