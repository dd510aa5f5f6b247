/**
 * Confidential jobs on the daemon (fake engine, fake chain, fake clock): the placeholder on IPFS, the definition
 * delivered after the claim, the real result kept (sealed at rest) for the owner and a blank one pinned; the
 * waits' timeouts; `api` endpoints on a real loopback HTTP server, refused by default.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { confidentialPlaceholder, type FlowState, type JobDefinition } from '@nosana/core';
import { createFakeEngine } from '@nosana/runtime/testing';
import { Keypair } from '@solana/web3.js';
import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, finished, harness, resultOf } from './daemon-harness.js';
import { createNodeTrust } from './trust.js';

const SECRET_LINE = 'the-confidential-output-7f3a';
const SECRET_ENV = 'hf_confidential_token_91c2';

const realDefinition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [
    {
      type: 'container/run',
      id: 'main',
      args: { image: 'busybox:1.35', cmd: 'echo output', env: { TOKEN: SECRET_ENV } },
    },
  ],
};

const servers: Server[] = [];
afterEach(async () => {
  await closeHarnesses();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A node with a real key, running jobs that print {@link SECRET_LINE}; with `sealing`, it keeps what it keeps sealed. */
async function confidentialNode(options: Parameters<typeof harness>[1] = {}, { sealing = false } = {}) {
  const wallet = Keypair.generate();
  const address = wallet.publicKey.toBase58();
  const trust = sealing
    ? createNodeTrust({
        address,
        secretKey: wallet.secretKey,
        engine: createFakeEngine(),
        software: { name: '@nosana/node', version: 'test' },
        gpus: [],
      })
    : undefined;
  return harness(() => ({ logs: [{ line: SECRET_LINE }], exitCode: 0, durationMs: 5 }), {
    address,
    ...(trust ? { trust } : {}),
    ...options,
  });
}

/** Everything the node wrote into its state directory, as text. */
const stateText = (dir: string) =>
  readdirSync(dir)
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');

describe('confidential jobs (logistics)', () => {
  it('runs the delivered definition, keeps the real result sealed for the owner and pins a blank one', async () => {
    const h = await confidentialNode({}, { sealing: true });
    const job = h.chain.postJob(confidentialPlaceholder());
    await h.clock.runUntil(() => h.node.logistics.status(job) === 'waiting-for-job-definition');
    // Not a definition to run: refused, and the node waits on.
    const refused = h.node.logistics.deliver(job, { version: '0.1', type: 'container', ops: [] });
    expect(refused.ok ? null : refused.error.code).toBe('NODE__DEFINITION_INVALID');
    expect(h.node.logistics.deliver(job, realDefinition)).toEqual({ ok: true });
    // Kept sealed at rest: the state directory never holds the definition's secret in clear.
    await h.clock.runUntil(() => h.node.logistics.status(job) === 'waiting-for-result');
    expect(stateText(h.dir)).not.toContain(SECRET_ENV);
    expect(stateText(h.dir)).not.toContain(SECRET_LINE);
    const kept = h.node.logistics.kept(job)!;
    expect(kept.status).toBe('success');
    expect(kept.opStates[0]!.logs.map((l) => l.log)).toEqual([SECRET_LINE]);
    // The owner collects it: the node finishes with the blank result at once.
    h.node.logistics.collected(job);
    await h.clock.runUntil(finished(h, job));
    const pinned = resultOf(h.chain, job);
    expect(pinned).toMatchObject({ status: 'success', opStates: [] });
    expect(pinned.errors).toBeUndefined();
    expect(pinned.receipt).toBeDefined();
    expect(JSON.stringify(pinned)).not.toContain(SECRET_LINE);
    expect(h.engine.started).toHaveLength(1);
    expect(h.node.logistics.deliver(job, realDefinition)).toMatchObject({
      ok: false,
      error: { code: 'NODE__DEFINITION_NOT_AWAITED' },
    });
  });

  it('ends with logistics-error when the definition never comes, paid for the wait, nothing run', async () => {
    const h = await confidentialNode({ logistics: { definitionWaitMs: 60_000 } });
    const job = h.chain.postJob(confidentialPlaceholder());
    await h.clock.runUntil(finished(h, job));
    const pinned = resultOf(h.chain, job);
    expect(pinned.status).toBe('logistics-error');
    expect(pinned.errors?.[0]).toMatchObject({ code: 'NODE__LOGISTICS_TIMEOUT' });
    expect(pinned.errors?.[0]?.message).toMatch(/did not reach the node within 60 s/);
    expect(h.engine.started).toHaveLength(0);
    expect(h.chain.jobs.get(job)!.state).toBe('COMPLETED');
  });

  it('notes a result its owner did not collect in the blank one, and keeps serving it', async () => {
    const h = await confidentialNode({ logistics: { resultWaitMs: 30_000 } });
    const job = h.chain.postJob(confidentialPlaceholder());
    await h.clock.runUntil(() => h.node.logistics.status(job) === 'waiting-for-job-definition');
    h.node.logistics.deliver(job, realDefinition);
    await h.clock.runUntil(() => h.node.logistics.status(job) === 'waiting-for-result');
    // The control for the sealed test's grep: a node without a key keeps the delivered definition as is.
    expect(stateText(h.dir)).toContain(SECRET_ENV);
    await h.clock.runUntil(finished(h, job));
    const pinned = resultOf(h.chain, job);
    expect(pinned.status).toBe('success');
    expect(pinned.errors?.[0]).toMatchObject({ code: 'NODE__RESULT_NOT_COLLECTED' });
    expect(h.node.logistics.kept(job)?.opStates[0]?.logs[0]?.log).toBe(SECRET_LINE);
  });

  it('fetches the definition from an "api" endpoint and posts the result to one, signed by the node', async () => {
    const received: Array<{ method: string; url: string; auth: string; body: string }> = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({
          method: request.method!,
          url: request.url!,
          auth: String(request.headers.authorization),
          body,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(request.method === 'GET' ? JSON.stringify(realDefinition) : '{}');
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const h = await confidentialNode({
      logistics: { allowPrivateEndpoints: true, authHeader: (job) => `signed:${job}` },
    });
    const job = h.chain.postJob({
      ...confidentialPlaceholder(),
      logistics: {
        send: { type: 'api', args: { endpoint: `${base}/jobs/%%global.job%%/definition` } },
        receive: { type: 'api', args: { endpoint: `${base}/jobs/%%global.job%%/result` } },
      },
    });
    await h.clock.runUntil(finished(h, job));
    expect(received.map((r) => `${r.method} ${r.url} ${r.auth}`)).toEqual([
      `GET /jobs/${job}/definition signed:${job}`,
      `POST /jobs/${job}/result signed:${job}`,
    ]);
    expect((JSON.parse(received[1]!.body) as FlowState).opStates[0]?.logs[0]?.log).toBe(SECRET_LINE);
    expect(resultOf(h.chain, job)).toMatchObject({ status: 'success', opStates: [] });
  });

  it('refuses an "api" endpoint on the host by default: logistics-error, nothing fetched', async () => {
    const h = await confidentialNode();
    const job = h.chain.postJob({
      ...confidentialPlaceholder(),
      logistics: { send: { type: 'api', args: { endpoint: 'http://127.0.0.1:9/definition' } } },
    });
    await h.clock.runUntil(finished(h, job));
    const pinned = resultOf(h.chain, job);
    expect(pinned.status).toBe('logistics-error');
    expect(pinned.errors?.[0]).toMatchObject({ code: 'NODE__LOGISTICS_FAILED' });
    expect(pinned.errors?.[0]?.message).toMatch(/127\.0\.0\.1 is not a public address/);
  });
});
