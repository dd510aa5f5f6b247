/**
 * The gateway against a real localnet (a host wallet claims a job through the chain client), real HTTP/WebSocket
 * services on loopback and real clients (node:http, ws, curl).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { deploymentServiceId, isNosanaError, type JobDefinition, serviceId } from '@nosana/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ChainFixture,
  get,
  nextEvent,
  type ServiceFixture,
  startChain,
  startService,
  tunnelEvent,
} from '../test/fixtures.js';
import { cachedChainReader, createChainReader } from './chain-reader.js';
import type { GatewayEvent } from './events.js';
import { type Gateway, startGateway } from './server.js';
import { createTunnelClient, type TunnelClient } from './tunnel-client.js';

const health = [{ type: 'http' as const, path: '/health', method: 'GET' as const, expected_status: 200 }];
const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'web',
      args: { image: 'busybox:1.35', expose: [{ port: 8080, health_checks: health }] },
    },
    {
      type: 'container/run',
      id: 'sick',
      args: { image: 'busybox:1.35', expose: [{ port: 8081, health_checks: health }] },
    },
    { type: 'container/run', id: 'secret', args: { image: 'busybox:1.35', expose: 8082, private: true } },
  ],
};

let chain: ChainFixture;
let gateway: Gateway;
let web: ServiceFixture & { releaseGate(): void };
let sick: ServiceFixture;
let job: string;
let host: Awaited<ReturnType<ChainFixture['host']>>;
let tunnel: TunnelClient;
const tunnels: TunnelClient[] = [];
const events: GatewayEvent[] = [];

beforeAll(async () => {
  chain = await startChain();
  host = await chain.host();
  ({ job } = await chain.post(definition));
  web = await startService('web');
  sick = await startService('sick', { healthStatus: 500 });
  gateway = await startGateway({
    domain: 'localhost',
    chain: cachedChainReader({ reader: createChainReader({ client: chain.reader }), ttlMs: 500 }),
    health: { startupIntervalMs: 100, intervalMs: 500 },
  });
  gateway.subscribe((e) => events.push(e));
  tunnel = createTunnelClient({ gatewayUrl: gateway.url, keypair: host.key });
  tunnels.push(tunnel);
});
afterAll(async () => {
  for (const t of tunnels) await t.close();
  await gateway?.close();
  await web?.close();
  await sick?.close();
  await chain?.close();
});

describe('gateway: a service of a job the chain says this host runs', () => {
  let id: string;

  it('is exposed under its real service id, announced by events, and answers once healthy', async () => {
    const online = tunnelEvent(tunnel, (e) => e.type === 'online');
    const exposed = await tunnel.expose({
      job,
      opIndex: 0,
      port: 8080,
      targetHost: '127.0.0.1',
      targetPort: web.port,
    });
    id = exposed.serviceId;
    expect(id).toBe(serviceId({ job, opIndex: 0, port: 8080 }));
    expect(exposed.url).toBe(gateway.serviceUrl(id));
    await online;
    expect(events.filter((e) => e.serviceId === id).map((e) => e.type)).toEqual(['registered', 'online']);
    expect(events[0]).toMatchObject({ job, node: host.key.publicKey.toBase58(), opIndex: 0, port: 8080 });

    const byHost = await get(gateway.port, '/hello', `${id}.localhost:${gateway.port}`);
    expect(byHost.status).toBe(200);
    expect(byHost.body).toBe(
      `hello from web (host ${id}.localhost:${gateway.port}, forwarded ${id}.localhost:${gateway.port})`,
    );
    // Browsers lower-case host names: routing ignores case.
    expect((await get(gateway.port, '/whoami', `${id.toLowerCase()}.localhost`)).body).toBe('web');
  });

  it('answers on <id>.localhost (curl resolves *.localhost to loopback) and on the /s/<id>/ path fallback', async () => {
    const { stdout } = await promisify(execFile)('curl', ['-sS', `${gateway.serviceUrl(id)}/whoami`]);
    expect(stdout).toBe('web');
    const fallback = await get(gateway.port, `/s/${id}/whoami?x=1`, `localhost:${gateway.port}`);
    expect(fallback).toMatchObject({ status: 200, body: 'web' });
  });

  it('carries WebSockets both ways', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${gateway.port}/ws`, {
      headers: { host: `${id}.localhost` },
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const echoes: string[] = [];
    const done = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        echoes.push(String(data));
        if (echoes.length === 3) resolve();
      }),
    );
    for (const m of ['one', 'two', 'three']) socket.send(m);
    await done;
    expect(echoes).toEqual(['one', 'two', 'three']);
    socket.close();
  });

  it('streams a 50 MB download without buffering it (the first MiB arrives while the service holds the rest)', async () => {
    const hash = createHash('sha256');
    let received = 0;
    let released = false;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: gateway.port,
          path: '/stream?mb=50&gate=1',
          headers: { host: `${id}.localhost` },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            hash.update(chunk);
            // The service sends the rest only after the client saw the first MiB: a buffering proxy deadlocks here.
            if (!released && received >= 1024 * 1024) {
              released = true;
              web.releaseGate();
            }
          });
          res.on('end', resolve);
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(released).toBe(true);
    expect(received).toBe(50 * 1024 * 1024);
    expect(hash.digest('hex')).toBe(
      createHash('sha256')
        .update(Buffer.alloc(50 * 1024 * 1024, 7))
        .digest('hex'),
    );
  });

  it('serves events as Server-Sent Events', async () => {
    const sse = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: gateway.port, path: `/_gateway/events?job=${job}` },
        (res) => {
          expect(res.headers['content-type']).toBe('text/event-stream');
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            text += d;
            if (text.includes('event: registered')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
      // Registering another port of the job produces the event the stream is waiting for.
      void tunnel
        .expose({ job, opIndex: 1, port: 8081, targetHost: '127.0.0.1', targetPort: sick.port })
        .catch(reject);
    });
    const data = JSON.parse(/data: (.*)/.exec(sse)?.[1] ?? '{}') as GatewayEvent;
    expect(data).toMatchObject({ type: 'registered', job, opIndex: 1, port: 8081 });
  });
});

describe('gateway: refusals', () => {
  it('a failing health check gives 503 with a JSON body saying the service is starting (not 502)', async () => {
    await sick.nextHealth(); // the gateway has probed it (and got 500)
    const sickId = serviceId({ job, opIndex: 1, port: 8081 });
    const answer = await get(gateway.port, '/whoami', `${sickId}.localhost`);
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'starting', error: 'service-starting' });
    expect(events.some((e) => e.serviceId === sickId && e.type === 'online')).toBe(false);
  });

  it('unknown ids get 404', async () => {
    const unknown = serviceId({ job, opIndex: 7, port: 1 });
    const answer = await get(gateway.port, '/', `${unknown}.localhost`);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error).toBe('unknown-service');
    expect((await get(gateway.port, '/nothing', 'localhost')).status).toBe(404);
  });

  it('a host that does not run the job cannot register its service (nor take over the id)', async () => {
    const other = chain.actor();
    const intruder = createTunnelClient({ gatewayUrl: gateway.url, keypair: other.key });
    tunnels.push(intruder);
    const refused = await intruder
      .expose({ job, opIndex: 0, port: 8080, targetHost: '127.0.0.1', targetPort: sick.port })
      .catch((e: unknown) => e);
    expect(isNosanaError(refused, 'GATEWAY__EXPOSE_REFUSED') && refused.context.reason).toBe('not-runner');
    const id = serviceId({ job, opIndex: 0, port: 8080 });
    expect((await get(gateway.port, '/whoami', `${id}.localhost`)).body).toBe('web');
  });

  it('refuses ports the definition does not expose, and private ops without a secret', async () => {
    const notExposed = await tunnel
      .expose({ job, opIndex: 0, port: 22, targetHost: '127.0.0.1', targetPort: web.port })
      .catch((e: unknown) => e);
    expect(isNosanaError(notExposed, 'GATEWAY__EXPOSE_REFUSED') && notExposed.context.reason).toBe(
      'not-exposed',
    );
    const noSecret = await tunnel
      .expose({ job, opIndex: 2, port: 8082, targetHost: '127.0.0.1', targetPort: web.port })
      .catch((e: unknown) => e);
    expect(isNosanaError(noSecret, 'GATEWAY__EXPOSE_REFUSED') && noSecret.context.reason).toBe(
      'secret-required',
    );
  });

  it('a tunnel signed by a key other than the one it claims is refused', async () => {
    const forged = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port: gateway.port,
        path: '/_gateway/tunnel',
        headers: {
          connection: 'Upgrade',
          upgrade: 'nosana-tunnel/1',
          'x-nosana-node': host.key.publicKey.toBase58(),
          authorization: `nosana-gateway-tunnel:${host.key.publicKey.toBase58()}:1111:${Date.now()}`,
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(forged).toBe(401);
  });
});

describe('gateway: private services', () => {
  it('get an id derived from the host secret, not from the job address', async () => {
    const online = tunnelEvent(tunnel, (e) => e.type === 'online' && e.ref === 'secret');
    const secret = 's'.repeat(40);
    const exposed = await tunnel.expose({
      ref: 'secret',
      job,
      opIndex: 2,
      port: 8082,
      secret,
      targetHost: '127.0.0.1',
      targetPort: web.port,
    });
    expect(exposed.serviceId).toHaveLength(45);
    await online;
    expect((await get(gateway.port, '/whoami', `${exposed.serviceId}.localhost`)).body).toBe('web');
    const derivable = serviceId({ job, opIndex: 2, port: 8082 });
    expect((await get(gateway.port, '/whoami', `${derivable}.localhost`)).status).toBe(404);
  });
});

describe('gateway: deployments', () => {
  it('replicas of one deployment share its stable URL, load-balanced over the healthy ones', async () => {
    const { key: posterKey, client: poster } = chain.actor(1_000_000_000n);
    const replica: JobDefinition = {
      version: '0.1',
      type: 'container',
      deployment_id: 'chat',
      ops: [{ type: 'container/run', id: 'web', args: { image: 'busybox:1.35', expose: 8080 } }],
    };
    const services = [await startService('replica-a'), await startService('replica-b')];
    const urls: Array<string | null> = [];
    for (const service of services) {
      const h = await chain.host();
      const posted = await poster.jobs.post({ definition: replica, market: 'cpu', timeout: 3600 });
      const replicaJob = posted.job.toBase58();
      await poster.jobs.waitFor(replicaJob, (j) => j.state === 'RUNNING');
      const t = createTunnelClient({ gatewayUrl: gateway.url, keypair: h.key });
      tunnels.push(t);
      const online = tunnelEvent(t, (e) => e.type === 'online');
      const exposed = await t.expose({
        job: replicaJob,
        opIndex: 0,
        port: 8080,
        targetHost: '127.0.0.1',
        targetPort: service.port,
      });
      urls.push(exposed.deploymentUrl);
      await online;
    }
    const deploymentId = deploymentServiceId({
      deploymentId: 'chat',
      project: posterKey.publicKey.toBase58(),
    });
    expect(urls).toEqual([gateway.serviceUrl(deploymentId), gateway.serviceUrl(deploymentId)]);
    const answers = new Set<string>();
    for (let i = 0; i < 4; i++)
      answers.add((await get(gateway.port, '/whoami', `${deploymentId}.localhost`)).body);
    expect([...answers].sort()).toEqual(['replica-a', 'replica-b']);
    for (const service of services) await service.close();
  });
});

describe('gateway: when the job ends', () => {
  it('unregisters its services (no phantom replica) once the chain says nobody runs it', async () => {
    const poster = chain.actor(1_000_000_000n).client;
    const h = await chain.host();
    const ended = { ...definition, ops: [definition.ops[0]!] } as JobDefinition;
    const posted = await poster.jobs.post({ definition: ended, market: 'cpu', timeout: 3600 });
    const endingJob = posted.job.toBase58();
    await poster.jobs.waitFor(endingJob, (j) => j.state === 'RUNNING');
    const t = createTunnelClient({ gatewayUrl: gateway.url, keypair: h.key });
    tunnels.push(t);
    const online = tunnelEvent(t, (e) => e.type === 'online');
    const { serviceId: id } = await t.expose({
      job: endingJob,
      opIndex: 0,
      port: 8080,
      targetHost: '127.0.0.1',
      targetPort: web.port,
    });
    await online;
    const unregistered = nextEvent<GatewayEvent>(
      (l) => gateway.subscribe(l),
      (e) => e.type === 'unregistered' && e.serviceId === id,
    );
    await poster.jobs.stop(endingJob);
    expect((await unregistered).reason).toBe('job-ended');
    expect((await get(gateway.port, '/whoami', `${id}.localhost`)).status).toBe(404);
  });
});

describe("gateway: a host's own node API", () => {
  it('is served under the node address, with the node API gateway name as Host whatever the user called', async () => {
    const node = await chain.host();
    const address = node.key.publicKey.toBase58();
    const t = createTunnelClient({ gatewayUrl: gateway.url, keypair: node.key });
    tunnels.push(t);
    const registered = nextEvent<GatewayEvent>(
      (l) => gateway.subscribe(l),
      (e) => e.type === 'online' && e.serviceId === address,
    );
    const api = await t.exposeApi({ port: 5101, targetHost: '127.0.0.1', targetPort: web.port });
    expect(api).toMatchObject({ serviceId: address, url: gateway.serviceUrl(address), deploymentUrl: null });
    expect(await registered).toMatchObject({
      kind: 'node-api',
      node: address,
      job: '',
      opIndex: -1,
      port: 5101,
    });

    const canonical = `${address.toLowerCase()}.localhost`;
    const byPath = await get(gateway.port, `/s/${address}/hello`, `127.0.0.1:${gateway.port}`);
    expect(byPath).toMatchObject({ status: 200 });
    expect(byPath.body).toContain(`(host ${canonical}, forwarded 127.0.0.1:${gateway.port})`);
    const byName = await get(gateway.port, '/hello', `${address}.localhost:${gateway.port}`);
    expect(byName.body).toContain(`(host ${canonical}, forwarded ${address}.localhost:${gateway.port})`);

    const socket = new WebSocket(`ws://127.0.0.1:${gateway.port}/s/${address}/ws`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const echo = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
    socket.send('logs?');
    expect(await echo).toBe('logs?');
    socket.close();
  });

  it('refuses a malformed registration with a coded error', async () => {
    const node = await chain.host();
    const t = createTunnelClient({ gatewayUrl: gateway.url, keypair: node.key });
    tunnels.push(t);
    const refused = await t
      .exposeApi({ port: 70_000, targetHost: '127.0.0.1', targetPort: web.port })
      .catch((error: unknown) => error);
    expect(isNosanaError(refused, 'GATEWAY__EXPOSE_REFUSED')).toBe(true);
    expect((refused as Error).message).toContain('the node API (port 70000)');
  });
});
