/**
 * The deployment manager in a process of its own, for the kill -9 integration test and bench/manager-overhead.ts:
 * composed as `nosana deployment serve` composes it (a Nosana client on the network, the chain adapter, the SQLite store, the reconciler loop and
 * the HTTP API), without the CLI around it. Prints JSON lines on stdout: `{"type":"ready","api":…}` once serving,
 * then `{"type":"pass",…}` after every reconciler pass; stops on SIGTERM.
 *
 *   node --conditions=@nosana/source --import tsx test/manager-process.ts '<json config>'
 */
import { readFileSync } from 'node:fs';
import { createKuboStore, createNosanaClient } from '@nosana/chain';
import { Keypair } from '@solana/web3.js';
import { createChainAdapter, createManager, openStore, startDeploymentApi } from '../src/index.js';

const config = JSON.parse(process.argv[2] ?? '{}') as {
  rpcUrl: string;
  wsUrl: string;
  ipfsApiUrl: string;
  walletPath: string;
  db: string;
  intervalMs: number;
};
const line = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

const wallet = Keypair.fromSecretKey(
  Uint8Array.from(JSON.parse(readFileSync(config.walletPath, 'utf8')) as number[]),
);
const client = createNosanaClient({
  network: 'localnet',
  rpcUrl: config.rpcUrl,
  wsUrl: config.wsUrl,
  wallet,
  ipfs: createKuboStore({ url: config.ipfsApiUrl }),
});
const store = openStore(config.db);
const chain = createChainAdapter({
  client,
  connection: client.connection,
  wallet,
  ipfs: client.ipfs,
  programs: client.network.programs,
});
const manager = createManager({ store, chain });
const api = await startDeploymentApi({ manager, store, owner: chain.owner, port: 0 });
line({ type: 'ready', api: api.url });

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
await manager.run({
  signal: stop.signal,
  intervalMs: config.intervalMs,
  onError: (error) => line({ type: 'error', message: (error as Error).message }),
  onPass: (pass) => line({ type: 'pass', ...pass }),
});
await api.close();
manager.close();
store.close();
client.close();
