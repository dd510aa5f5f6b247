/**
 * Health-metered service jobs end to end: the localnet, a gateway, a node (real Docker) serving the web-service
 * example through its tunnel. When the service fails its health check, the gateway answers 503, and the node ends the
 * job after the grace period: result failed with the reason, `finish` pays the time served and refunds the rest.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FlowState, type JobDefinition, serviceId, settleJob } from '@nosana/core';
import {
  cachedChainReader,
  createChainReader,
  type Gateway,
  type GatewayEvent,
  startGateway,
} from '@nosana/gateway';
import type { NodeEvent } from '@nosana/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Network, startNetwork } from './helpers/network.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webService = JSON.parse(
  readFileSync(join(root, 'examples', 'web-service.json'), 'utf8'),
) as JobDefinition;
const NOS = 1_000_000n;
const GRACE_MS = 3000;
const PROBE_MS = 500;

/** Resolves with the first event (already seen, or to come) that matches. */
function eventually<T>(seen: T[], subscribe: (listener: (event: T) => void) => () => void) {
  return <U extends T>(match: (event: T) => event is U): Promise<U> =>
    new Promise((resolve) => {
      const found = seen.find(match);
      if (found) return resolve(found as U);
      const stop = subscribe((event) => {
        if (!match(event)) return;
        stop();
        resolve(event);
      });
    });
}

let network: Network;
let gateway: Gateway;
const gatewayEvents: GatewayEvent[] = [];
beforeAll(async () => {
  network = await startNetwork();
  gateway = await startGateway({
    domain: 'localhost',
    listen: { host: '127.0.0.1', port: 0 },
    chain: cachedChainReader({ reader: createChainReader({ client: network.actor() }), ttlMs: 500 }),
    health: { startupIntervalMs: 100, intervalMs: 300 },
  });
  gateway.subscribe((event) => gatewayEvents.push(event));
}, 120_000);
afterAll(async () => {
  await network?.close();
  await gateway?.close();
});

describe('health-metered service jobs (localnet + Docker + gateway)', () => {
  it('ends a job whose service stays unhealthy past the grace period; the poster pays only the time served', async () => {
    const nodeEvents: NodeEvent[] = [];
    const nodeListeners = new Set<(event: NodeEvent) => void>();
    const { node, client: host } = await network.node({
      gateway: { url: gateway.url },
      serviceHealth: { graceMs: GRACE_MS, intervalMs: PROBE_MS },
      onEvent: (event) => {
        nodeEvents.push(event);
        for (const listener of [...nodeListeners]) listener(event);
      },
    });
    const onNode = eventually(nodeEvents, (listener) => {
      nodeListeners.add(listener);
      return () => nodeListeners.delete(listener);
    });
    const onGateway = eventually(gatewayEvents, (listener) => gateway.subscribe(listener));

    const poster = network.actor(100n * NOS);
    const before = await poster.balances();
    const posted = await poster.jobs.post({ definition: webService, market: 'cpu', timeout: 600 });
    const job = posted.job.toBase58();
    const url = `${gateway.url.replace('://', `://${serviceId({ job, opIndex: 0, port: 8080 })}.`)}`;
    const viaPath = `${gateway.url}/s/${serviceId({ job, opIndex: 0, port: 8080 })}/`;

    // Online through the gateway.
    await onGateway((e): e is GatewayEvent => e.type === 'online' && e.job === job);
    const ok = await fetch(viaPath);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('Hello from a Nosana service\n');
    expect(url).toMatch(/^http:\/\/[1-9A-HJ-NP-Za-km-z]{44}\.localhost:\d+$/);

    // The service breaks: its health check (GET /health → 200) now fails.
    const [container] = await network.engine.docker.listContainers({
      filters: { label: [`org.nosana.job=${job}`] },
    });
    const exec = await network.engine.docker
      .getContainer(container!.Id)
      .exec({ Cmd: ['rm', '/www/health'], AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });

    // The gateway takes it out of rotation: 503, not 502.
    await onGateway((e): e is GatewayEvent => e.type === 'offline' && e.job === job);
    const unavailable = await fetch(viaPath);
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { status: string }).status).toBe('starting');

    // The node ends the job once the grace period is over, and settles it with `finish`.
    const verdict = await onNode(
      (e): e is Extract<NodeEvent, { type: 'service-unhealthy' }> =>
        e.type === 'service-unhealthy' && e.job === job,
    );
    expect(verdict).toMatchObject({ op: 'web', port: 8080 });
    const finished = await onNode(
      (e): e is Extract<NodeEvent, { type: 'job-finished' }> => e.type === 'job-finished' && e.job === job,
    );
    expect(finished).toMatchObject({ status: 'failed', action: 'finish' });

    const done = await poster.jobs.waitFor(posted.job, (j) => j.result !== null, { pollMs: 500 });
    expect(done.state).toBe('COMPLETED');
    const result = (await poster.jobs.result(posted.job)) as FlowState;
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/^service unhealthy for \d+ s$/);
    expect(Number(/(\d+) s$/.exec(result.reason!)![1])).toBeGreaterThanOrEqual(GRACE_MS / 1000);
    expect(result.errors?.some((e) => e.code === 'NODE__SERVICE_UNHEALTHY')).toBe(true);
    // The partial result keeps what the service logged.
    expect(result.opStates[0]?.logs.length).toBeGreaterThan(0);

    // Escrow arithmetic: the node got price × seconds served, the poster the rest of the deposit back, exactly.
    const { payout, refund, elapsed } = settleJob({
      price: done.price,
      timeout: done.timeout,
      timeStart: done.timeStart,
      timeEnd: done.timeEnd,
    });
    expect(elapsed).toBeLessThan(done.timeout); // ended early, not at the timeout
    expect(finished.payout).toBe(payout);
    expect(refund).toBe(posted.deposit - payout);
    expect(before.nos - (await poster.balances()).nos).toBe(payout);
    expect((await host.balances()).nos).toBe(payout);

    // The endpoint is gone (404), the node is back in the queue, nothing left in Docker.
    await onGateway((e): e is GatewayEvent => e.type === 'unregistered' && e.job === job);
    expect((await fetch(viaPath)).status).toBe(404);
    await expect.poll(() => node.state(), { timeout: 10_000 }).toBe('queued');
    expect(await network.leftovers(node.address)).toBe(0);
  }, 180_000);
});
