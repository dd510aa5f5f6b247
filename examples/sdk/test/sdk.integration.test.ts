/** The SDK examples, run as a user would run them, against a localnet and the real Docker engine. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Localnet, startLocalnet } from '@nosana/localnet';
import type { NodeEvent } from '@nosana/node';
import { connectEngine, seedBusyboxImage } from '@nosana/runtime';
import { Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJobExample } from '../post-job.js';
import { startNodeExample } from '../run-node.js';
import { validateFile } from '../validate.js';

const examples = join(import.meta.dirname, '..', '..');
let localnet: Localnet;
const dir = mkdtempSync(join(tmpdir(), 'nosana-examples-'));
beforeAll(async () => {
  await seedBusyboxImage({ docker: (await connectEngine()).docker });
  localnet = await startLocalnet({ dataDir: 'temporary', rpcPort: 0, ipfsPort: 0 });
}, 60_000);
afterAll(async () => {
  await localnet?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/sdk', () => {
  it('validate.ts accepts every example and explains what is wrong with a bad one', async () => {
    for (const file of [
      'hello-world.json',
      'hello-world.yaml',
      'multi-op-volume.json',
      'web-service.json',
      'ollama-gpu-service.json',
      'vllm-gpu-service.json',
    ]) {
      expect(await validateFile(join(examples, file)), file).toMatchObject({ ok: true });
    }
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({
        version: '0.1',
        type: 'container',
        ops: [{ type: 'container/run', id: 'x', args: {} }],
      }),
    );
    const bad = await validateFile(join(dir, 'bad.json'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.join('\n')).toContain('ops[0].args.image');
  });

  it('run-node.ts serves the job post-job.ts posts; the poster gets the result, the node is paid', async () => {
    const host = Keypair.generate();
    const poster = Keypair.generate();
    localnet.bank.airdrop(host.publicKey.toBase58(), BigInt(LAMPORTS_PER_SOL));
    localnet.bank.airdrop(poster.publicKey.toBase58(), BigInt(LAMPORTS_PER_SOL));
    localnet.airdropNos(poster.publicKey.toBase58(), 10_000_000n);
    const endpoints = { rpcUrl: localnet.rpcUrl, wsUrl: localnet.wsUrl, ipfsApiUrl: localnet.ipfsApiUrl };
    const events: NodeEvent[] = [];
    const { node, done } = await startNodeExample({
      wallet: host,
      stateDir: join(dir, 'node'),
      ...endpoints,
      onEvent: (e) => events.push(e),
    });
    try {
      await expect.poll(() => node.state(), { timeout: 30_000 }).toBe('queued');
      const states: string[] = [];
      const { job, paid, result } = await postJobExample({
        definitionFile: join(examples, 'hello-world.json'),
        wallet: poster,
        ...endpoints,
        onState: (s) => states.push(s),
      });
      expect(result.status).toBe('success');
      expect(result.opStates[0]?.logs.map((l) => l.log)).toContain('Hello from the Nosana Network!');
      expect(states.at(-1)).toBe('COMPLETED');
      // The poster can see COMPLETED before the node's own confirmation of `finish` returns.
      const finished = () => events.find((e) => e.type === 'job-finished' && e.job === job);
      await expect.poll(finished, { timeout: 10_000 }).toMatchObject({ action: 'finish', payout: paid });
    } finally {
      await node.stop();
      await done;
    }
  }, 120_000);
});
