/**
 * Run a host node programmatically with @nosana/node and @nosana/runtime — what `nosana node start` does.
 *
 *   nosana localnet start --detach && nosana wallet airdrop --wallet host.json --nos 0
 *   node --import tsx examples/sdk/run-node.ts host.json
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createKuboStore, createNosanaClient, loadWallet } from '@nosana/chain';
import { createNode, type NodeEvent, type NosanaNode, openNodeStore } from '@nosana/node';
import { connectEngine, createRuntime, detectGpus } from '@nosana/runtime';
import type { Keypair } from '@solana/web3.js';

/** Parameters of {@link startNodeExample}. Defaults: the localnet on its default ports. */
export interface StartNodeExampleParameters {
  wallet: Keypair;
  stateDir?: string;
  rpcUrl?: string;
  wsUrl?: string;
  ipfsApiUrl?: string;
  market?: string;
  onEvent?: (event: NodeEvent) => void;
}

/** Starts a node; `done` resolves once `node.stop()` has left the queue and settled running jobs. */
export async function startNodeExample({
  wallet,
  stateDir = join(homedir(), '.nosana', 'node'),
  rpcUrl = 'http://127.0.0.1:8899',
  wsUrl = 'ws://127.0.0.1:8900',
  ipfsApiUrl = 'http://127.0.0.1:5001',
  market = 'cpu',
  onEvent,
}: StartNodeExampleParameters): Promise<{ node: NosanaNode; done: Promise<void> }> {
  const client = createNosanaClient({
    network: 'localnet',
    rpcUrl,
    wsUrl,
    wallet,
    ipfs: createKuboStore({ url: ipfsApiUrl }),
  });
  const { engine } = await connectEngine();
  const store = openNodeStore({ dir: stateDir });
  const node = createNode({
    client,
    engine,
    store,
    runtime: createRuntime({ engine, scope: wallet.publicKey.toBase58() }),
    market,
    gpus: await detectGpus(),
    checks: { diskPath: stateDir, minDiskBytes: 1024 ** 3 },
    ...(onEvent ? { onEvent } : {}),
  });
  const done = node.start().finally(async () => {
    await store.close();
    client.close();
  });
  return { node, done };
}

if (import.meta.filename === process.argv[1]) {
  const { keypair } = loadWallet(process.argv[2] ? { path: process.argv[2] } : {});
  const { node, done } = await startNodeExample({
    wallet: keypair,
    onEvent: (event) => {
      if (event.type === 'state') process.stdout.write(`${event.state}\n`);
      if (event.type === 'job-finished')
        process.stdout.write(`job ${event.job}: ${event.status}, paid ${event.payout} base units\n`);
    },
  });
  process.once('SIGINT', () => void node.stop());
  await done;
}
