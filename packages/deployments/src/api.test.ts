import { createAuthHeader } from '@nosana/chain';
import { isNosanaError } from '@nosana/core';
import { Keypair } from '@solana/web3.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeChain } from '../test/fake-chain.js';
import { apiAuthMessage, type StartDeploymentApiResult, startDeploymentApi } from './api.js';
import { createDeploymentApiClient } from './api-client.js';
import { createManager } from './manager.js';
import { openStore } from './store.js';

let api: StartDeploymentApiResult | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const start = async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const fake = createFakeChain({ clock });
  const store = openStore(':memory:');
  const manager = createManager({ store, chain: fake.chain, now: () => clock.now });
  const wallet = Keypair.generate();
  api = await startDeploymentApi({
    manager,
    store,
    owner: wallet.publicKey.toBase58(),
    maxBodyBytes: 64 * 1024,
  });
  return { wallet, fake, manager, client: createDeploymentApiClient({ url: api.url, wallet }) };
};

const definition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'web', args: { image: 'nginx:1.27', expose: 80 } }],
};

describe('deployment API', () => {
  it('creates, shows, scales and stops a deployment for its owner', async () => {
    const { client, manager, fake } = await start();
    const created = await client.request<{ id: string; status: string }>('POST', '/api/deployments', {
      definition,
      market: 'cpu',
      replicas: 2,
      strategy: 'simple-extend',
      timeout: 3600,
      budget: '100000000',
    });
    expect(created.status).toBe('STARTING');
    await manager.tick();
    expect(fake.open()).toHaveLength(2);
    const view = await client.request<{ jobs: unknown[]; spent: string }>(
      'GET',
      `/api/deployments/${created.id}`,
    );
    expect(view.jobs).toHaveLength(2);
    expect(view.spent).toBe(String(2n * 100n * 3600n));
    expect(
      (
        await client.request<{ replicas: number }>('PATCH', `/api/deployments/${created.id}/replicas`, {
          replicas: 1,
        })
      ).replicas,
    ).toBe(1);
    expect(
      (await client.request<{ status: string }>('POST', `/api/deployments/${created.id}/stop`)).status,
    ).toBe('STOPPING');
    const events = await client.request<Array<{ type: string }>>(
      'GET',
      `/api/deployments/${created.id}/events?after=0`,
    );
    expect(events.map((e) => e.type)).toContain('created');
    expect(await client.request<unknown[]>('GET', '/api/deployments')).toHaveLength(1);
  });

  it('refuses unsigned requests, other wallets, bad bodies, and reports coded errors', async () => {
    const { client } = await start();
    expect((await fetch(`${api!.url}/api/deployments`)).status).toBe(401);
    const stranger = Keypair.generate();
    const foreign = await fetch(`${api!.url}/api/deployments`, {
      headers: { authorization: createAuthHeader(stranger, apiAuthMessage('GET', '/api/deployments')) },
    });
    expect(foreign.status).toBe(401);

    const bad = await client
      .request('POST', '/api/deployments', {
        definition,
        market: 'cpu',
        replicas: 0,
        strategy: 'SIMPLE',
        timeout: 600,
        budget: '1000000000',
      })
      .catch((e: unknown) => e);
    expect(isNosanaError(bad, 'DEPLOY__INVALID_PARAMETER')).toBe(true);
    const missing = await client.request('GET', '/api/deployments/dep_nope').catch((e: unknown) => e);
    expect(isNosanaError(missing, 'DEPLOY__NOT_FOUND')).toBe(true);
    const huge = await client
      .request('POST', '/api/deployments', { definition: 'x'.repeat(100_000) })
      .catch((e: unknown) => e);
    expect(isNosanaError(huge, 'DEPLOY__API_REQUEST')).toBe(true);
    const unknown = await client.request('GET', '/api/nothing').catch((e: unknown) => e);
    expect(isNosanaError(unknown, 'DEPLOY__API_REQUEST')).toBe(true);
  });
});
