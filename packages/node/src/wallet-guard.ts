/**
 * One node per host wallet. Two nodes with the same wallet would both join the queue and fight over its runs, so a
 * second one refuses to start: on this machine through a lock file keyed by the wallet's address, and anywhere
 * through the chain (the wallet already queued or holding a run this state directory did not take).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NosanaError } from '@nosana/core';
import type { ChainPort } from './chain-port.js';
import { takeLockFile } from './lock-file.js';
import type { NodeStore } from './store.js';
import './errors.js';

/** Parameters of {@link lockWallet}. */
export interface LockWalletParameters {
  /** Directory of the lock files (default in the Nosana home: ~/.nosana/locks). */
  dir: string;
  /** The host wallet's address. */
  address: string;
}

/**
 * Takes the machine-wide lock of a host wallet; returns its release. A lock left by a dead process is taken over.
 * Throws `NODE__WALLET_LOCKED` when a live process holds it.
 *
 * @example
 * ```ts
 * const release = lockWallet({ dir: join(homedir(), '.nosana', 'locks'), address });
 * process.once('exit', release);
 * ```
 */
export function lockWallet({ dir, address }: LockWalletParameters): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockFile = join(dir, `node-${address}.lock`);
  const lock = takeLockFile(lockFile);
  if (lock.ok) return lock.release;
  throw new NosanaError(
    'NODE__WALLET_LOCKED',
    `another node (pid ${lock.pid}) already runs with the wallet ${address} on this machine — stop it first, or start this node with another wallet (lock: ${lockFile})`,
    { address, pid: lock.pid, lockFile },
  );
}

/** Parameters of {@link assertWalletFree}. */
export interface AssertWalletFreeParameters {
  chain: ChainPort;
  store: NodeStore;
}

/**
 * Refuses (`NODE__WALLET_IN_USE`) when the chain shows the wallet queued in a market or holding runs that this
 * state directory did not put there; its own leftovers after a crash are recovered, not refused.
 *
 * @example
 * ```ts
 * await assertWalletFree({ chain, store });
 * ```
 */
export async function assertWalletFree({ chain, store }: AssertWalletFreeParameters): Promise<void> {
  const [markets, runs] = await Promise.all([chain.queuedMarkets(), chain.runs()]);
  const presence = store.presence();
  const ours = presence?.address === chain.address;
  const known = new Set(store.jobs().map((r) => r.job));
  const foreignRuns = ours ? [] : runs.map((r) => r.job.toBase58()).filter((job) => !known.has(job));
  const foreignMarkets = ours ? markets.filter((m) => m !== presence.market) : markets;
  if (foreignMarkets.length === 0 && foreignRuns.length === 0) return;
  const what = [
    ...(foreignMarkets.length ? [`waits in the queue of market ${foreignMarkets.join(', ')}`] : []),
    ...(foreignRuns.length ? [`runs job ${foreignRuns.join(', ')}`] : []),
  ].join(' and ');
  throw new NosanaError(
    'NODE__WALLET_IN_USE',
    `the wallet ${chain.address} already ${what} on ${chain.network}, and this state directory did not put it there: another node uses this wallet — stop that node or use another wallet (a node that crashed is recovered by starting it again on its own state directory)`,
    { address: chain.address, markets: foreignMarkets, jobs: foreignRuns },
  );
}
