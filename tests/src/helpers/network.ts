/** Shared set-up for tests that need the localnet, the Docker engine and nodes. */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { callLocalnetRpc, createKuboStore, createNosanaClient, type NosanaClient } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { createNode, type NodeEvent, type NosanaNode, openNodeStore } from '@nosana/node';
import {
  type ConnectEngineResult,
  connectEngine,
  createRuntime,
  LABELS,
  seedBusyboxImage,
} from '@nosana/runtime';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';

export interface Network {
  localnet: Localnet;
  engine: ConnectEngineResult;
  /** A funded client (SOL, and NOS base units when asked). */
  actor(nos?: bigint, key?: Keypair): NosanaClient;
  /** A node on `market`, started; resolves once it waits in the queue. */
  node(options?: {
    market?: string;
    key?: Keypair;
    dir?: string;
    onEvent?: (event: NodeEvent) => void;
    /** Jobs run at once (default 1). */
    concurrency?: number;
  }): Promise<{
    node: NosanaNode;
    client: NosanaClient;
    events: NodeEvent[];
    done: Promise<void>;
    dir: string;
  }>;
  /**
   * A node that runs in its own process (tests/src/fixtures/node-process.ts), for tests that kill it: its wallet
   * (funded with SOL) and state live in `dir`. Each `spawn()` starts the process again on the same state; it prints
   * its events as JSON lines on stdout and stops gracefully on SIGTERM.
   */
  nodeProcess(
    dir: string,
    options?: { key?: Keypair; stderr?: 'inherit' | 'ignore' },
  ): { key: Keypair; spawn(): ChildProcessByStdio<null, Readable, null> };
  /** Containers/volumes/networks left by nodes of this network. */
  leftovers(scope: string): Promise<number>;
  /** Stops every node started so far (each test gets the market to itself). */
  stopNodes(): Promise<void>;
  advanceClock(seconds: number): Promise<void>;
  close(): Promise<void>;
}

export async function startNetwork(): Promise<Network> {
  const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  const engine = await connectEngine();
  await seedBusyboxImage({ docker: engine.docker });
  const clients: NosanaClient[] = [];
  const nodes: NosanaNode[] = [];
  const dirs: string[] = [];
  const actor = (nos = 0n, key = Keypair.generate()) => {
    localnet.bank.airdrop(key.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
    if (nos > 0n) localnet.airdropNos(key.publicKey.toBase58(), nos);
    const client = createNosanaClient({
      network: 'localnet',
      rpcUrl: localnet.rpcUrl,
      wsUrl: localnet.wsUrl,
      wallet: key,
      ipfs: createKuboStore({ url: localnet.ipfsApiUrl }),
    });
    clients.push(client);
    return client;
  };
  return {
    localnet,
    engine,
    actor,
    async node({ market = 'cpu', key = Keypair.generate(), dir, onEvent, concurrency = 1 } = {}) {
      const client = actor(0n, key);
      const stateDir = dir ?? mkdtempSync(join(tmpdir(), 'nosana-node-test-'));
      if (!dir) dirs.push(stateDir);
      const store = openNodeStore({ dir: stateDir });
      const runtime = createRuntime({
        engine: engine.engine,
        scope: key.publicKey.toBase58(),
        stopGraceSeconds: 2,
      });
      const events: NodeEvent[] = [];
      const node = createNode({
        client,
        runtime,
        engine: engine.engine,
        store,
        market,
        gpus: { gpus: [], cudaVersion: null, reason: 'tests run without GPUs' },
        pollMs: 500,
        concurrency,
        checks: { minDiskBytes: 1024 ** 2 },
        onEvent: (event) => {
          events.push(event);
          onEvent?.(event);
        },
      });
      nodes.push(node);
      const done = node.start().finally(() => store.close());
      const deadline = Date.now() + 30_000;
      while (node.state() !== 'queued' && node.state() !== 'running' && Date.now() < deadline) {
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 50))]);
      }
      return { node, client, events, done, dir: stateDir };
    },
    nodeProcess(dir, { key = Keypair.generate(), stderr = 'inherit' } = {}) {
      actor(0n, key);
      const walletPath = join(dir, 'wallet.json');
      writeFileSync(walletPath, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
      const config = JSON.stringify({
        rpcUrl: localnet.rpcUrl,
        wsUrl: localnet.wsUrl,
        ipfsApiUrl: localnet.ipfsApiUrl,
        walletPath,
        dir: join(dir, 'state'),
        market: 'cpu',
      });
      const tests = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
      return {
        key,
        spawn: () =>
          spawn(
            process.execPath,
            [
              '--conditions=@nosana/source',
              '--import',
              'tsx',
              join(tests, 'src', 'fixtures', 'node-process.ts'),
              config,
            ],
            { cwd: tests, stdio: ['ignore', 'pipe', stderr] },
          ),
      };
    },
    async stopNodes() {
      await Promise.allSettled(nodes.map((n) => n.stop()));
    },
    async leftovers(scope) {
      const filter = { [LABELS.scope]: scope };
      return (
        (await engine.engine.listContainers(filter)).length +
        (await engine.engine.listVolumes(filter)).length +
        (await engine.engine.listNetworks(filter)).length
      );
    },
    async advanceClock(seconds) {
      await callLocalnetRpc(localnet.rpcUrl, 'localnet_advanceClock', [seconds]);
    },
    async close() {
      await Promise.allSettled(nodes.map((n) => n.stop()));
      for (const node of nodes)
        await createRuntime({ engine: engine.engine, scope: node.address })
          .reap()
          .catch(() => undefined);
      for (const client of clients) client.close();
      await localnet.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
