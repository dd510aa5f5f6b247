/**
 * What the follower does with what it hears: applies account updates to the store in slot order, backfills with
 * one program scan (closing the tracked accounts it no longer returns), finds accounts closed by a transaction, and
 * notices a reset network (another genesis, or a slot behind the index).
 */
import { type DecodedAccount, decodeProgramAccount } from './rows.js';
import type { RpcCall } from './rpc.js';
import type { IndexerStore } from './store.js';

/** An account as JSON-RPC returns it (base64 data). */
export interface AccountJson {
  data: [string, string];
  owner: string;
}

/** The follower's view of the chain, applied to the store. */
export interface ChainSync {
  /** The last slot applied. */
  slot(): number;
  /** Applies an account notified at `slot`. */
  applyNotification(address: string, account: AccountJson, slot: number): Promise<void>;
  /** Checks the network, scans the program and closes what the scan no longer returns. */
  backfill(): Promise<void>;
  /** Closes the tracked accounts a successful transaction closed. */
  closedIn(signature: string, slot: number): Promise<void>;
}

/**
 * Creates the sync of `store` with the Jobs program over `rpc`.
 *
 * @example
 * ```ts
 * const sync = createChainSync({ rpc: createRpcCall(rpcUrl), store, jobsProgram });
 * await sync.backfill();
 * ```
 */
export function createChainSync({
  rpc,
  store,
  jobsProgram,
  log = () => undefined,
  scanTimeoutMs = 600_000,
}: {
  rpc: RpcCall;
  store: IndexerStore;
  jobsProgram: string;
  log?: (message: string) => void;
  /**
   * How long the program scan may take (default 10 min): it returns every account of the program at once, which on
   * a large network is tens of megabytes an RPC node needs time to gather; a shorter limit would retry it forever.
   */
  scanTimeoutMs?: number;
}): ChainSync {
  let lastSlot = Number(store.meta('lastSlot') ?? 0);
  let timeSlot = -1;
  let time = 0;

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
  const storeDecoded = (decoded: DecodedAccount, slot: number, at: number | null) => {
    if (decoded.kind === 'job') store.putJob(decoded.row, slot, at);
    else if (decoded.kind === 'run') store.putRun(decoded.row, slot);
    else if (decoded.kind === 'market') store.putMarket(decoded.row, slot, at);
  };
  const apply = (address: string, account: AccountJson, slot: number, at: number | null) =>
    storeDecoded(decodeProgramAccount(address, Buffer.from(account.data[0], 'base64')), slot, at);

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

  return {
    slot: () => lastSlot,
    async applyNotification(address, account, slot) {
      apply(address, account, slot, await chainTime(slot));
      advance(slot);
    },
    async backfill() {
      await checkGenesis();
      const { context, value } = await rpc<{
        context: { slot: number };
        value: Array<{ pubkey: string; account: AccountJson }>;
      }>(
        'getProgramAccounts',
        [jobsProgram, { encoding: 'base64', withContext: true, commitment: 'confirmed' }],
        { timeoutMs: scanTimeoutMs },
      );
      const slot = context.slot;
      await chainTime(slot);
      const decoded = value.map(({ pubkey, account }) =>
        decodeProgramAccount(pubkey, Buffer.from(account.data[0], 'base64')),
      );
      // Markets first, then jobs, then runs (a run refers to its job).
      for (const kind of ['market', 'job', 'run'] as const) {
        store.db.transaction(() => {
          for (const item of decoded) if (item.kind === kind) storeDecoded(item, slot, null);
        })();
      }
      const present = new Set(value.map((v) => v.pubkey));
      for (const address of store.openAccountsBefore(slot))
        if (!present.has(address)) store.close(address, slot);
      advance(slot);
    },
    async closedIn(signature, slot) {
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
    },
  };
}
