/** Shared set-up for tests that need the localnet, the Docker engine and nodes. */
import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { NosanaClient } from '@nosana/chain';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { createLocalnetActors } from '@nosana/localnet/testing';
import {
  type HostNode,
  type HostSpecs,
  type NodeApi,
  type NodeEvent,
  type NosanaNode,
  startHostNode,
} from '@nosana/node';
import {
  type ConnectEngineResult,
  connectEngine,
  createRuntime,
  LABELS,
  seedBusyboxImage,
} from '@nosana/runtime';
import { Keypair } from '@solana/web3.js';

export interface Network {
  localnet: Localnet;
  engine: ConnectEngineResult;
  /** A funded client (SOL, and NOS base units when asked). */
  actor(nos?: bigint, key?: Keypair): NosanaClient;
  /**
   * A node on `market` (through `startHostNode`, as `nosana node start` runs it), with its API on a free port;
   * resolves once it waits in the queue, rejects when it refuses to start.
   */
  node(options?: {
    market?: string;
    key?: Keypair;
    dir?: string;
    onEvent?: (event: NodeEvent) => void;
    /** Jobs run at once (default 1). */
    concurrency?: number;
    /** Where wallet locks live (default: one directory per network, as one machine). */
    lockDir?: string;
    /** Host names the API answers besides loopback. */
    allowedHosts?: string[];
    /** A gateway the node exposes its jobs' services through. */
    gateway?: { url: string };
    /** Health metering of service jobs (grace, probe interval). */
    serviceHealth?: { graceMs?: number; intervalMs?: number };
    /** The host's specs the node publishes on its API (`/node/info`). */
    specs?: HostSpecs;
    /** The image cache's limit (LRU eviction). */
    imageCache?: { maxBytes: number };
  }): Promise<{
    node: NosanaNode;
    client: NosanaClient;
    api: NodeApi;
    /** The node API's URL through the gateway, once published (null without a gateway). */
    publicApi: Promise<string | null>;
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
    options?: {
      key?: Keypair;
      stderr?: 'inherit' | 'ignore';
      /** Endpoints the node uses instead of the localnet's own (e.g. fault proxies in front of them). */
      endpoints?: { rpcUrl: string; wsUrl: string; ipfsApiUrl: string };
      backoff?: { initialMs?: number; maxMs?: number };
      /** Health metering of service jobs (grace, probe interval). */
      serviceHealth?: { graceMs?: number; intervalMs?: number };
    },
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
  const hosts: HostNode[] = [];
  /** Nodes stopped by `stopNodes` (their scope is still reaped at close). */
  const stopped: HostNode[] = [];
  const dirs: string[] = [];
  const locks = mkdtempSync(join(tmpdir(), 'nosana-locks-'));
  dirs.push(locks);
  const actors = createLocalnetActors(localnet);
  const actor = actors.actor;
  return {
    localnet,
    engine,
    actor,
    async node({
      market = 'cpu',
      key = Keypair.generate(),
      dir,
      onEvent,
      concurrency = 1,
      lockDir = locks,
      allowedHosts,
      gateway,
      serviceHealth,
      specs,
      imageCache,
    } = {}) {
      const client = actor(0n, key);
      const stateDir = dir ?? mkdtempSync(join(tmpdir(), 'nosana-node-test-'));
      if (!dir) dirs.push(stateDir);
      const events: NodeEvent[] = [];
      let ready: () => void = () => undefined;
      const waiting = new Promise<void>((resolve) => {
        ready = resolve;
      });
      const host = await startHostNode({
        client,
        wallet: key,
        stateDir,
        engine: engine.engine,
        market,
        detectedGpus: { gpus: [], cudaVersion: null, reason: 'tests run without GPUs' },
        runtime: { stopGraceSeconds: 2 },
        pollMs: 500,
        concurrency,
        lockDir,
        api: { port: 0, ...(allowedHosts ? { allowedHosts } : {}) },
        checks: { minDiskBytes: 1024 ** 2 },
        ...(gateway ? { gateway } : {}),
        ...(serviceHealth ? { serviceHealth } : {}),
        ...(specs ? { specs } : {}),
        ...(imageCache ? { imageCache } : {}),
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'state' && (event.state === 'queued' || event.state === 'running')) ready();
          onEvent?.(event);
        },
      });
      const { node, done } = host;
      hosts.push(host);
      // Queued (or already running a job), or the reason it refused to start.
      await Promise.race([waiting, done]);
      return { node, client, api: host.api!, publicApi: host.publicApi, events, done, dir: stateDir };
    },
    nodeProcess: (dir, options = {}) => nodeProcess(localnet, actor, dir, options),
    async stopNodes() {
      const now = hosts.splice(0);
      stopped.push(...now);
      await Promise.allSettled(now.map((h) => h.stop()));
    },
    async leftovers(scope) {
      const filter = { [LABELS.scope]: scope };
      return (
        (await engine.engine.listContainers(filter)).length +
        (await engine.engine.listVolumes(filter)).length +
        (await engine.engine.listNetworks(filter)).length
      );
    },
    advanceClock: (seconds) => actors.advanceClock(seconds),
    async close() {
      const all = [...stopped, ...hosts];
      await Promise.allSettled(hosts.map((h) => h.stop()));
      for (const node of all)
        await createRuntime({ engine: engine.engine, scope: node.address })
          .reap()
          .catch(() => undefined);
      actors.close();
      await localnet.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A node in its own process on `localnet` (see `Network.nodeProcess`): wallet and config written into `dir`. */
function nodeProcess(
  localnet: Localnet,
  actor: (lamports: bigint, key: Keypair) => unknown,
  dir: string,
  {
    key = Keypair.generate(),
    stderr = 'inherit',
    endpoints,
    backoff,
    serviceHealth,
  }: Parameters<Network['nodeProcess']>[1] = {},
): ReturnType<Network['nodeProcess']> {
  actor(0n, key);
  const walletPath = join(dir, 'wallet.json');
  writeFileSync(walletPath, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
  const config = JSON.stringify({
    rpcUrl: endpoints?.rpcUrl ?? localnet.rpcUrl,
    wsUrl: endpoints?.wsUrl ?? localnet.wsUrl,
    ipfsApiUrl: endpoints?.ipfsApiUrl ?? localnet.ipfsApiUrl,
    ...(backoff ? { backoff } : {}),
    ...(serviceHealth ? { serviceHealth } : {}),
    walletPath,
    dir: join(dir, 'state'),
    lockDir: join(dir, 'locks'),
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
}

/** A node process's events as they come (JSON lines on its stdout), and a wait for the first matching one. */
export interface FollowedNode {
  child: ChildProcess;
  events: NodeEvent[];
  /** The first event (past or future) matching `test`; rejects when the process exits first. */
  next(test: (event: NodeEvent) => boolean): Promise<NodeEvent>;
  /** Resolves once the process exited. */
  exited(): Promise<void>;
}

/**
 * Follows a node process started by `Network.nodeProcess(…).spawn()`.
 *
 * @example
 * ```ts
 * const node = followNode(launcher.spawn());
 * await node.next((e) => e.type === 'state' && e.state === 'queued');
 * ```
 */
export function followNode(child: ChildProcessByStdio<null, Readable, null>): FollowedNode {
  const events: NodeEvent[] = [];
  const waiters: Array<{ test: (e: NodeEvent) => boolean; resolve: (e: NodeEvent) => void }> = [];
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as NodeEvent;
    events.push(event);
    for (const w of waiters.filter((w) => w.test(event))) w.resolve(event);
  });
  return {
    child,
    events,
    next: (test) =>
      new Promise<NodeEvent>((resolve, reject) => {
        const seen = events.find(test);
        if (seen) return resolve(seen);
        waiters.push({ test, resolve });
        void exit.then(() => reject(new Error('the node exited before the expected event')));
      }),
    exited: () => exit,
  };
}
