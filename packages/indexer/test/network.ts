/** Test set-up: a localnet with funded chain clients (posters and hosts) and small polling helpers. */
import type { NosanaClient } from '@nosana/chain';
import type { JobDefinition } from '@nosana/core';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import { createLocalnetActors } from '@nosana/localnet/testing';

export const NOS = 1_000_000n;
export const definition: JobDefinition = {
  version: '0.1',
  type: 'container',
  ops: [{ type: 'container/run', id: 'hello', args: { image: 'busybox:1.35', cmd: 'echo hello' } }],
};

export interface TestNetwork {
  localnet: Localnet;
  actor(nos?: bigint): NosanaClient;
  host(): Promise<NosanaClient>;
  advanceClock(seconds: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTestNetwork(dataDir = 'temporary'): Promise<TestNetwork> {
  const localnet = await startLocalnet({ dataDir, rpcPort: 0, ipfsPort: 0 });
  const actors = createLocalnetActors(localnet);
  const actor = (nos = 0n) => actors.actor(nos);
  return {
    localnet,
    actor,
    async host() {
      const client = actor();
      await client.host.prepare();
      return client;
    },
    advanceClock: (seconds) => actors.advanceClock(seconds),
    async close() {
      actors.close();
      await localnet.close();
    },
  };
}

/** GETs JSON from the API. */
export async function getJson<T = Record<string, unknown>>(
  url: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

/** Polls `probe` until `done` holds (a condition wait, bounded by `timeoutMs`). */
export async function until<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await probe();
  }
  return last;
}

/** Every Jobs program account by a full RPC scan: address → { kind, state, result }. */
export async function rpcScan(rpcUrl: string, jobsProgram: string): Promise<Map<string, Buffer>> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'getProgramAccounts',
      params: [jobsProgram, { encoding: 'base64' }],
    }),
  });
  const { result } = (await response.json()) as {
    result: Array<{ pubkey: string; account: { data: [string, string] } }>;
  };
  return new Map(result.map((r) => [r.pubkey, Buffer.from(r.account.data[0], 'base64')]));
}
