/** Shared set-up of the gateway's integration tests: a localnet where a host runs a job, and real HTTP services. */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKuboStore, createNosanaClient, type NosanaClient } from '@nosana/chain';
import type { JobDefinition } from '@nosana/core';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { WebSocketServer } from 'ws';
import type { GatewayEvent } from '../src/events.js';
import type { TunnelClient, TunnelEvent } from '../src/tunnel-client.js';

export interface ChainFixture {
  localnet: Localnet;
  /** A read-only client, as a gateway has. */
  reader: NosanaClient;
  actor(nos?: bigint): { key: Keypair; client: NosanaClient };
  /** A host that entered the `cpu` market queue (so the next job posted there is its job). */
  host(): Promise<{ key: Keypair; client: NosanaClient }>;
  /** Posts `definition` on `cpu` from a funded poster; resolves with the job address once a host runs it. */
  post(definition: JobDefinition): Promise<{ job: string; poster: NosanaClient }>;
  close(): Promise<void>;
}

export async function startChain(): Promise<ChainFixture> {
  const localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
  const clients: NosanaClient[] = [];
  const client = (wallet?: Keypair) => {
    const c = createNosanaClient({
      network: 'localnet',
      rpcUrl: localnet.rpcUrl,
      wsUrl: localnet.wsUrl,
      ...(wallet ? { wallet } : {}),
      ipfs: createKuboStore({ url: localnet.ipfsApiUrl }),
    });
    clients.push(c);
    return c;
  };
  const actor = (nos = 0n) => {
    const key = Keypair.generate();
    localnet.bank.airdrop(key.publicKey.toBase58(), 10n * BigInt(LAMPORTS_PER_SOL));
    if (nos > 0n) localnet.airdropNos(key.publicKey.toBase58(), nos);
    return { key, client: client(key) };
  };
  return {
    localnet,
    reader: client(),
    actor,
    async host() {
      const h = actor();
      await h.client.host.prepare();
      await h.client.host.work('cpu');
      return h;
    },
    async post(definition) {
      const poster = actor(1_000_000_000n).client;
      const posted = await poster.jobs.post({ definition, market: 'cpu', timeout: 3600 });
      const job = posted.job.toBase58();
      await poster.jobs.waitFor(job, (j) => j.state === 'RUNNING');
      return { job, poster };
    },
    async close() {
      for (const c of clients) c.close();
      await localnet.close();
    },
  };
}

export interface ServiceFixture {
  port: number;
  server: Server;
  /** Health checks answered so far. */
  healthHits: number;
  /** Resolves at the next health check. */
  nextHealth(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP service on loopback: `/health` (200, or `healthStatus`), `/hello`, `/whoami` (the name),
 * `/stream?mb=N&gate=1` (N MiB; with gate, the rest waits for `releaseGate()` after the first MiB), and a
 * WebSocket echo on `/ws`.
 */
export async function startService(
  name: string,
  options: { healthStatus?: number; host?: string } = {},
): Promise<ServiceFixture & { releaseGate(): void }> {
  let waiting: Array<() => void> = [];
  let gate: (() => void) | null = null;
  let gateOpen = false;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/health') {
      fixture.healthHits++;
      for (const w of waiting) w();
      waiting = [];
      res.writeHead(options.healthStatus ?? 200).end('ok');
    } else if (url.pathname === '/hello') {
      res.end(`hello from ${name} (host ${req.headers.host}, forwarded ${req.headers['x-forwarded-host']})`);
    } else if (url.pathname === '/whoami') {
      res.end(name);
    } else if (url.pathname === '/stream') {
      if (url.searchParams.has('kb')) res.end(Buffer.alloc(Number(url.searchParams.get('kb')) * 1024, 7));
      else void stream(req, res, Number(url.searchParams.get('mb') ?? 1), url.searchParams.has('gate'));
    } else res.writeHead(404).end();
  });
  const stream = async (
    _req: IncomingMessage,
    res: import('node:http').ServerResponse,
    mb: number,
    gated: boolean,
  ) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': mb * 1024 * 1024 });
    const chunk = Buffer.alloc(1024 * 1024, 7);
    for (let i = 0; i < mb; i++) {
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      if (i === 0 && gated && !gateOpen) await new Promise<void>((r) => (gate = r));
      if (res.destroyed) return;
    }
    res.end();
  };
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
  await new Promise<void>((r) => server.listen(0, options.host ?? '127.0.0.1', r));
  const fixture = {
    port: (server.address() as AddressInfo).port,
    server,
    healthHits: 0,
    nextHealth: () => new Promise<void>((r) => waiting.push(r)),
    releaseGate() {
      gateOpen = true;
      gate?.();
    },
    async close() {
      wss.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  return fixture;
}

/** Resolves with the first event matching `predicate`. */
export function nextEvent<E extends TunnelEvent | GatewayEvent>(
  subscribe: (listener: (event: E) => void) => () => void,
  predicate: (event: E) => boolean,
): Promise<E> {
  return new Promise((resolve) => {
    const stop = subscribe((event) => {
      if (predicate(event)) {
        stop();
        resolve(event);
      }
    });
  });
}

export const tunnelEvent = (tunnel: TunnelClient, predicate: (event: TunnelEvent) => boolean) =>
  nextEvent<TunnelEvent>((l) => tunnel.on(l), predicate);

/** A GET through the gateway with a chosen Host header; resolves with status and body. */
export function get(
  port: number,
  path: string,
  host: string,
  address = '127.0.0.1',
): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Spawns test/gateway-process.ts; resolves once it listens. */
export async function spawnGateway(
  env: Record<string, string>,
): Promise<{ child: import('node:child_process').ChildProcess; port: number }> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = spawn(
    process.execPath,
    [
      '--conditions=@nosana/source',
      '--import',
      'tsx',
      fileURLToPath(new URL('./gateway-process.ts', import.meta.url)),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout?.setEncoding('utf8');
    const onData = (d: string) => {
      text += d;
      const match = /\{"port":(\d+)\}/.exec(text);
      if (match) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the gateway process exited (${code})`)));
  });
  return { child, port };
}

/**
 * The host side (a real HTTP service and the tunnel client, test/host-process.ts) in its own process, exposing op 0
 * port 8080 of `job` to `gatewayUrl` with `key`; resolves with the service's port and id once the gateway says
 * the service is online.
 * `prefix` runs it under another command (e.g. `ip netns exec <ns>`).
 */
export async function spawnHost(options: {
  gatewayUrl: string;
  key: Uint8Array;
  job: string;
  prefix?: string[];
}): Promise<{ child: import('node:child_process').ChildProcess; servicePort: number; serviceId: string }> {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { createInterface } = await import('node:readline');
  const node = [
    process.execPath,
    '--conditions=@nosana/source',
    '--import',
    'tsx',
    fileURLToPath(new URL('./host-process.ts', import.meta.url)),
  ];
  const [command, ...args] = [...(options.prefix ?? []), ...node] as [string, ...string[]];
  const child = spawn(command, args, {
    env: {
      ...process.env,
      GATEWAY_URL: options.gatewayUrl,
      HOST_KEY: JSON.stringify([...options.key]),
      JOB: options.job,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { servicePort, serviceId } = await new Promise<{ servicePort: number; serviceId: string }>(
    (resolve, reject) => {
      let servicePort = 0;
      let serviceId = '';
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on('line', (line) => {
        const event = JSON.parse(line) as { type: string; port?: number; serviceId?: string };
        if (event.type === 'service') servicePort = event.port as number;
        if (event.type === 'exposed') serviceId = event.serviceId as string;
        if (event.type === 'online') {
          lines.close();
          child.stdout?.resume();
          resolve({ servicePort, serviceId });
        }
      });
      child.once('exit', (code) => reject(new Error(`the host process exited (${code})`)));
    },
  );
  return { child, servicePort, serviceId };
}
