/**
 * The built `nosana node start` daemon as a host runs it, for benchmarks that measure its process: a funded wallet
 * file in `dir`, the localnet's endpoints, the `cpu` market; resolves once the node waits in the queue.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keypair } from '@solana/web3.js';
import type { Network } from '../src/helpers/network.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'cli', 'bin', 'run.js');

/** Parameters of {@link startBuiltNode}. */
export interface StartBuiltNodeParameters {
  network: Network;
  /** Holds the wallet file and the node's state. */
  dir: string;
  /** Port of the node API (default 0: any). */
  apiPort?: number;
  /** More flags for `node start`. */
  args?: string[];
  /** Flags for `node` itself, before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  stdio?: StdioOptions;
}

/**
 * Starts the built node and waits (up to 60 s) until it is queued.
 *
 * @example
 * ```ts
 * const { child, exited } = await startBuiltNode({ network, dir });
 * child.kill('SIGTERM');
 * await exited;
 * ```
 */
export async function startBuiltNode({
  network,
  dir,
  apiPort = 0,
  args = [],
  nodeArgs = [],
  stdio = 'ignore',
}: StartBuiltNodeParameters): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const key = Keypair.generate();
  const host = network.actor(0n, key);
  const walletPath = join(dir, 'wallet.json');
  writeFileSync(walletPath, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      CLI,
      'node',
      'start',
      '--market',
      'cpu',
      '--rpc',
      network.localnet.rpcUrl,
      '--ipfs',
      network.localnet.ipfsApiUrl,
      '--wallet',
      walletPath,
      '--state-dir',
      join(dir, 'state'),
      '--api-port',
      String(apiPort),
      '--min-disk',
      '0',
      ...args,
    ],
    { stdio, env: { ...process.env, NO_COLOR: '1' } },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!(await host.host.isQueued('cpu'))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('nosana node start did not queue');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { child, exited };
}
