/**
 * Follows the Jobs program into the store: a program subscription and a logs subscription over WebSocket, and a
 * full backfill (getProgramAccounts) on start and after every reconnect, so a gap never loses an update. Closed
 * accounts (delisted or cleaned jobs, finished runs) are found from the transactions that mention the program and,
 * after a backfill, from the tracked accounts the scan no longer returns.
 */
import { NosanaError } from '@nosana/core';
import WebSocket from 'ws';
import './errors.js';
import { decodeProgramAccount } from './rows.js';
import type { IndexerStore } from './store.js';

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

interface AccountJson {
  data: [string, string];
  owner: string;
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
  let stopped = false;
  let socket: WebSocket | undefined;
  let lastSlot = Number(store.meta('lastSlot') ?? 0);
  let work: Promise<void> = Promise.resolve();
  let timeSlot = -1;
  let time = 0;
  let markReady!: () => void;
  let failReady!: (e: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => undefined);

  let requestId = 0;
  const rpc = async <T>(method: string, params: unknown[]): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++requestId, method, params }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (cause) {
      throw new NosanaError(
        'INDEXER__RPC_FAILED',
        `${method} on ${rpcUrl} failed: ${(cause as Error).message} — check that the RPC endpoint is up`,
        { url: rpcUrl, method },
        { cause },
      );
    }
    const body = (await response.json().catch(() => ({}))) as { result?: T; error?: { message: string } };
    if (!response.ok || body.error || !('result' in body)) {
      throw new NosanaError(
        'INDEXER__RPC_FAILED',
        `${method} on ${rpcUrl} answered ${response.status}: ${body.error?.message ?? 'no result'}`,
        { url: rpcUrl, method, status: response.status },
      );
    }
    return body.result as T;
  };

  const advance = (slot: number) => {
    if (slot > lastSlot) {
      lastSlot = slot;
      store.setMeta('lastSlot', slot);
    }
  };
  const chainTime = async (slot: number): Promise<number> => {
    if (slot !== timeSlot) {
      time =
        (await rpc<number | null>('getBlockTime', [slot]).catch(() => null)) ?? Math.floor(Date.now() / 1000);
      timeSlot = slot;
      store.setMeta('chainTime', time);
    }
    return time;
  };

  const apply = (address: string, account: AccountJson, slot: number, at: number | null) => {
    const decoded = decodeProgramAccount(address, Buffer.from(account.data[0], 'base64'));
    if (decoded.kind === 'job') store.putJob(decoded.row, slot, at);
    else if (decoded.kind === 'run') store.putRun(decoded.row, slot);
    else if (decoded.kind === 'market') store.putMarket(decoded.row, slot, at);
  };

  /** Detects a reset network (another genesis, or a slot behind what was indexed) and starts over. */
  const checkGenesis = async () => {
    const [genesis, slot] = await Promise.all([
      rpc<string>('getGenesisHash', []),
      rpc<number>('getSlot', []),
    ]);
    const known = store.meta('genesis');
    if ((known && known !== genesis) || slot < lastSlot) {
      log(
        `the network was reset (genesis ${known} → ${genesis}, slot ${lastSlot} → ${slot}): rebuilding the index`,
      );
      store.reset(slot);
      lastSlot = 0;
    }
    store.setMeta('genesis', genesis);
  };

  const backfill = async () => {
    await checkGenesis();
    const { context, value } = await rpc<{
      context: { slot: number };
      value: Array<{ pubkey: string; account: AccountJson }>;
    }>('getProgramAccounts', [
      jobsProgram,
      { encoding: 'base64', withContext: true, commitment: 'confirmed' },
    ]);
    const slot = context.slot;
    await chainTime(slot);
    const decoded = value.map(({ pubkey, account }) => ({
      pubkey,
      account,
      kind: decodeProgramAccount(pubkey, Buffer.from(account.data[0], 'base64')).kind,
    }));
    // Markets first, then jobs, then runs (a run refers to its job).
    for (const kind of ['market', 'job', 'run'] as const) {
      store.db.transaction(() => {
        for (const item of decoded) if (item.kind === kind) apply(item.pubkey, item.account, slot, null);
      })();
    }
    const present = new Set(value.map((v) => v.pubkey));
    for (const address of store.openAccountsBefore(slot))
      if (!present.has(address)) store.close(address, slot);
    advance(slot);
  };

  const closedIn = async (signature: string, slot: number) => {
    const tx = await rpc<{ transaction: { message: { accountKeys: string[] } } } | null>('getTransaction', [
      signature,
      { encoding: 'json', maxSupportedTransactionVersion: 0, commitment: 'confirmed' },
    ]);
    const tracked = store.tracked(tx?.transaction.message.accountKeys ?? []);
    if (tracked.length === 0) return;
    const { value } = await rpc<{ value: Array<AccountJson | null> }>('getMultipleAccounts', [
      tracked,
      { encoding: 'base64', commitment: 'confirmed' },
    ]);
    tracked.forEach((address, i) => {
      const account = value[i];
      if (!account || account.owner !== jobsProgram) store.close(address, slot);
    });
  };

  const enqueue = (task: () => Promise<void>) => {
    work = work.then(task).catch((error: unknown) => {
      log(`indexing failed: ${(error as Error).message}; resynchronising`);
      socket?.terminate();
    });
  };

  const connect = (attempt: number) => {
    if (stopped) return;
    const ws = new WebSocket(wsUrl);
    socket = ws;
    const subscriptions = new Map<number, 'program' | 'logs'>();
    let confirmed = 0;
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'programSubscribe',
          params: [jobsProgram, { encoding: 'base64', commitment: 'confirmed' }],
        }),
      );
      ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 2,
          method: 'logsSubscribe',
          params: [{ mentions: [jobsProgram] }, { commitment: 'confirmed' }],
        }),
      );
    });
    ws.on('message', (raw) => {
      let message: {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: { subscription: number; result: { context: { slot: number }; value: unknown } };
      };
      try {
        message = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (message.id === 1 || message.id === 2) {
        if (message.error) {
          log(`subscription refused: ${message.error.message}`);
          ws.terminate();
          return;
        }
        subscriptions.set(Number(message.result), message.id === 1 ? 'program' : 'logs');
        // Subscribed first, then scanned: whatever happens during the scan arrives as notifications too.
        if (++confirmed === 2) {
          attempt = 0;
          enqueue(async () => {
            await backfill();
            markReady();
          });
        }
        return;
      }
      const params = message.params;
      if (!params) return;
      const slot = params.result.context.slot;
      if (message.method === 'programNotification') {
        const { pubkey, account } = params.result.value as { pubkey: string; account: AccountJson };
        enqueue(async () => {
          apply(pubkey, account, slot, await chainTime(slot));
          advance(slot);
        });
      } else if (message.method === 'logsNotification') {
        const { signature, err } = params.result.value as { signature: string; err: unknown };
        if (!err) enqueue(() => closedIn(signature, slot));
      }
    });
    ws.on('error', (error) => log(`websocket ${wsUrl}: ${error.message}`));
    ws.on('close', () => {
      if (stopped) return;
      const delay = Math.min(maxBackoffMs, 100 * 2 ** attempt);
      log(`websocket ${wsUrl} closed; reconnecting in ${delay} ms`);
      setTimeout(() => connect(attempt + 1), delay).unref();
    });
  };
  connect(0);

  return {
    ready,
    slot: () => lastSlot,
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
