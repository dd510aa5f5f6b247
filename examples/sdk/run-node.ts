/**
 * Run a host node programmatically with @nosana/node — what `nosana node start` does, through the same composition
 * root (`startHostNode`).
 *
 *   nosana localnet start --detach && nosana wallet airdrop --wallet host.json --nos 0
 *   node --import tsx examples/sdk/run-node.ts host.json
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createKuboStore, loadWallet } from '@nosana/chain';
import { type NodeEvent, type NosanaNode, startHostNode } from '@nosana/node';
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
}: StartNodeExampleParameters): Promise<{
  node: NosanaNode;
  apiUrl: string | undefined;
  done: Promise<void>;
}> {
  const host = await startHostNode({
    network: 'localnet',
    rpcUrl,
    wsUrl,
    ipfs: createKuboStore({ url: ipfsApiUrl }),
    wallet,
    stateDir,
    market,
    // Port 0: any free port (the default, 5101, may be taken by a node already running here).
    api: { port: 0 },
    checks: { diskPath: stateDir, minDiskBytes: 1024 ** 3 },
    ...(onEvent ? { onEvent } : {}),
  });
  return { node: host.node, apiUrl: host.api?.url, done: host.done };
}

if (import.meta.filename === process.argv[1]) {
  const { keypair } = loadWallet(process.argv[2] ? { path: process.argv[2] } : {});
  const { node, apiUrl, done } = await startNodeExample({
    wallet: keypair,
    onEvent: (event) => {
      if (event.type === 'state') process.stdout.write(`${event.state}\n`);
      if (event.type === 'job-finished')
        process.stdout.write(`job ${event.job}: ${event.status}, paid ${event.payout} base units\n`);
    },
  });
  process.stdout.write(`node ${node.address}, API ${apiUrl}\n`);
  process.once('SIGINT', () => void node.stop());
  await done;
}
