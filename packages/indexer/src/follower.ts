/**
 * Follows the Jobs program into the store: a program subscription and a logs subscription over WebSocket, and a
 * full backfill (getProgramAccounts) on start and after every reconnect, so a gap never loses an update. Closed
 * accounts (delisted or cleaned jobs, finished runs) are found from the transactions that mention the program and,
 * after a backfill, from the tracked accounts the scan no longer returns. Work is applied one task at a time, in
 * arrival order; a failed task drops the connection, and the reconnect resynchronises.
 */
import { NosanaError } from '@nosana/core';
import type WebSocket from 'ws';
import './errors.js';
import { createRpcCall } from './rpc.js';
import type { IndexerStore } from './store.js';
import { openSubscription } from './subscription.js';
import { createChainSync } from './sync.js';

/** Parameters of {@link createFollower}. */
export interface CreateFollowerParameters {
  rpcUrl: string;
  wsUrl: string;
  /** The Jobs program id (base58). */
  jobsProgram: string;
  store: IndexerStore;
  /** Diagnostics (reconnects, resets, RPC failures). */
  log?: (message: string) => void;
  /** Reconnect delay cap in ms (default 5000). */
  maxBackoffMs?: number;
}

/** A running follower. */
export interface Follower {
  /** Resolves after the first backfill. */
  ready: Promise<void>;
  /** The last slot applied. */
  slot(): number;
  stop(): Promise<void>;
}

/**
 * Starts following the Jobs program.
 *
 * @example
 * ```ts
 * const follower = createFollower({ rpcUrl, wsUrl, jobsProgram, store });
 * await follower.ready;
 * ```
 */
export function createFollower({
  rpcUrl,
  wsUrl,
  jobsProgram,
  store,
  log = () => undefined,
  maxBackoffMs = 5000,
}: CreateFollowerParameters): Follower {
  const sync = createChainSync({ rpc: createRpcCall(rpcUrl), store, jobsProgram, log });
  let stopped = false;
  let socket: WebSocket | undefined;
  let work: Promise<void> = Promise.resolve();
  let markReady!: () => void;
  let failReady!: (e: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => undefined);

  const enqueue = (task: () => Promise<void>) => {
    work = work.then(task).catch((error: unknown) => {
      log(`indexing failed: ${(error as Error).message}; resynchronising`);
      socket?.terminate();
    });
  };

  const connect = (attempt: number) => {
    if (stopped) return;
    socket = openSubscription({
      wsUrl,
      jobsProgram,
      log,
      // Subscribed first, then scanned: whatever happens during the scan arrives as notifications too.
      onSubscribed: () => {
        attempt = 0;
        enqueue(async () => {
          await sync.backfill();
          markReady();
        });
      },
      onAccount: (address, account, slot) => enqueue(() => sync.applyNotification(address, account, slot)),
      onTransaction: (signature, slot) => enqueue(() => sync.closedIn(signature, slot)),
      onClose: () => {
        if (stopped) return;
        const delay = Math.min(maxBackoffMs, 100 * 2 ** attempt);
        log(`websocket ${wsUrl} closed; reconnecting in ${delay} ms`);
        setTimeout(() => connect(attempt + 1), delay).unref();
      },
    });
  };
  connect(0);

  return {
    ready,
    slot: () => sync.slot(),
    async stop() {
      stopped = true;
      failReady(
        new NosanaError('INDEXER__RPC_FAILED', 'the indexer stopped before its first backfill', {
          url: rpcUrl,
          method: 'getProgramAccounts',
        }),
      );
      socket?.terminate();
      await work;
    },
  };
}
