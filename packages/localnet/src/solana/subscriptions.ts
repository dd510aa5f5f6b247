/**
 * The WebSocket pubsub API of the localnet (`signature|account|program|logs|slot|root` `Subscribe` /
 * `Unsubscribe`): parameters are checked when subscribing, so a notification never fails later, and one
 * subscriber can never break a commit for the others.
 */
import type { WebSocket } from 'ws';
import type { Bank, CommitEvent } from './bank.js';
import { compileFilters, type DataFilter } from './filters.js';
import { answerBody, parseBody, type RpcRequest, type RpcResponse } from './json-rpc.js';
import { address, config, integer, signature } from './params.js';
import { accountConfig } from './rpc-config.js';
import { RpcError } from './rpc-error.js';

type Handler = (method: string, params?: unknown) => unknown;
export type Kind = 'signature' | 'account' | 'program' | 'logs' | 'slot' | 'root';

/** One live subscription of a socket. */
export interface Subscription {
  socket: WebSocket;
  kind: Kind;
  key?: string;
  encoding?: string;
  /** Program subscriptions: the compiled `filters`. */
  matches?: DataFilter;
  mentions?: string;
}

/** Most subscriptions one WebSocket connection may hold. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 1024;

const KINDS: readonly Kind[] = ['signature', 'account', 'program', 'logs', 'slot', 'root'];
/** The WebSocket methods the localnet serves. */
export const SUBSCRIPTION_METHODS: readonly string[] = KINDS.flatMap((kind) => [
  `${kind}Subscribe`,
  `${kind}Unsubscribe`,
]);
const METHOD = /^(signature|account|program|logs|slot|root)(Subscribe|Unsubscribe)$/;

/** The subscription table of a server and its message handler. */
export interface SubscriptionHub {
  /** Answers one WebSocket frame (any text, however malformed). */
  onMessage(socket: WebSocket, raw: string): void;
  /** Drops a closed socket's subscriptions. */
  onClose(socket: WebSocket): void;
  close(): void;
}

/**
 * Creates the subscription table over a bank; `handle` is the JSON-RPC dispatcher (account values are read
 * through `getAccountInfo`, so notifications carry exactly what a request would answer); `onCall` sees each
 * request a socket sends.
 *
 * @example
 * ```ts
 * const hub = createSubscriptionHub(bank, handle);
 * socket.on('message', (raw) => hub.onMessage(socket, raw.toString()));
 * ```
 */
export function createSubscriptionHub(
  bank: Bank,
  handle: Handler,
  onCall?: (method: string, transport: 'ws') => void,
): SubscriptionHub {
  const subscriptions = new Map<number, Subscription>();
  let nextId = 1;
  const send = (subscription: Subscription, id: number, method: string, result: unknown) => {
    if (subscription.socket.readyState === subscription.socket.OPEN) {
      subscription.socket.send(
        JSON.stringify({ jsonrpc: '2.0', method, params: { result, subscription: id } }),
      );
    }
  };
  const accountValue = (key: string, encoding?: string) =>
    (handle('getAccountInfo', [key, { encoding: encoding ?? 'base64' }]) as { value: unknown }).value;

  const offCommit = bank.onCommit((event) => {
    for (const [id, sub] of subscriptions) {
      try {
        const notification = commitNotification(sub, event, bank, accountValue);
        for (const [method, result] of notification) send(sub, id, method, result);
        if (sub.kind === 'signature' && notification.length > 0) subscriptions.delete(id);
      } catch {
        // A subscriber's failure must not fail the commit that triggered it: drop that subscription.
        subscriptions.delete(id);
      }
    }
  });
  const offSlot = bank.onSlot((slot) => {
    for (const [id, sub] of subscriptions) {
      if (sub.kind === 'slot') send(sub, id, 'slotNotification', { parent: slot - 1, root: slot, slot });
      if (sub.kind === 'root') send(sub, id, 'rootNotification', slot);
    }
  });
  // Slots follow the wall clock; tick while someone listens for them.
  const ticker = setInterval(() => {
    if ([...subscriptions.values()].some((s) => s.kind === 'slot' || s.kind === 'root')) bank.advance();
  }, 400);
  ticker.unref();

  const subscribe = (socket: WebSocket, kind: Kind, params: unknown[]): number => {
    let owned = 0;
    for (const sub of subscriptions.values()) if (sub.socket === socket) owned++;
    if (owned >= MAX_SUBSCRIPTIONS_PER_SOCKET)
      throw new RpcError(
        -32602,
        `Invalid request: this connection already holds ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions; unsubscribe first`,
      );
    const subscription = parseSubscription(socket, kind, params);
    const id = nextId++;
    subscriptions.set(id, subscription);
    return id;
  };

  const run = (socket: WebSocket, request: RpcRequest): unknown => {
    onCall?.(request.method, 'ws');
    const match = METHOD.exec(request.method);
    if (!match)
      throw new RpcError(
        -32601,
        `Method not found: ${request.method.slice(0, 60)} is not a subscription method`,
      );
    const params = request.params ?? [];
    if (!Array.isArray(params)) throw new RpcError(-32602, 'Invalid params: params must be an array');
    if (match[2] === 'Unsubscribe') {
      const id = integer(params[0], 'subscription id', 0, Number.MAX_SAFE_INTEGER);
      const sub = subscriptions.get(id);
      return sub?.socket === socket ? subscriptions.delete(id) : false;
    }
    return subscribe(socket, match[1] as Kind, params);
  };

  const notifySignatureAlreadyProcessed = (id: number) => {
    // Processed already (the localnet executes synchronously): notify at once, as web3.js waits for it.
    const subscription = subscriptions.get(id);
    if (subscription?.kind !== 'signature') return;
    const status = bank.status(subscription.key!);
    if (!status) return;
    send(subscription, id, 'signatureNotification', {
      context: { slot: status.slot },
      value: { err: status.err },
    });
    subscriptions.delete(id);
  };

  return {
    onMessage(socket, raw) {
      const parsed = parseBody(raw);
      const reply = (response: RpcResponse | RpcResponse[]) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(response));
      };
      if (!parsed.ok) return reply(parsed.response);
      const created: number[] = [];
      reply(
        answerBody(parsed.body, (request) => {
          const result = run(socket, request);
          if (typeof result === 'number') created.push(result);
          return result;
        }),
      );
      for (const id of created) notifySignatureAlreadyProcessed(id);
    },
    onClose(socket) {
      for (const [id, sub] of subscriptions) if (sub.socket === socket) subscriptions.delete(id);
    },
    close() {
      clearInterval(ticker);
      offCommit();
      offSlot();
      subscriptions.clear();
    },
  };
}

type AccountValue = (key: string, encoding?: string) => unknown;

/**
 * The notifications one commit owes one subscription, as `[method, result]` pairs (pure over the bank's
 * reads; a signature subscription is answered once and then dropped by the caller).
 *
 * @example
 * ```ts
 * for (const [method, result] of commitNotification(sub, event, bank, accountValue)) send(sub, id, method, result);
 * ```
 */
export function commitNotification(
  sub: Subscription,
  event: CommitEvent,
  bank: Pick<Bank, 'getAccount'>,
  accountValue: AccountValue,
): Array<[string, unknown]> {
  const context = { slot: event.slot };
  if (sub.kind === 'signature')
    return sub.key === event.signature
      ? [['signatureNotification', { context, value: { err: event.err } }]]
      : [];
  if (sub.kind === 'account')
    return event.writable.includes(sub.key!)
      ? [['accountNotification', { context, value: accountValue(sub.key!, sub.encoding) }]]
      : [];
  if (sub.kind === 'program') {
    const out: Array<[string, unknown]> = [];
    for (const key of event.writable) {
      const account = bank.getAccount(key);
      if (!account || account.owner !== sub.key || (sub.matches && !sub.matches(account.data))) continue;
      out.push([
        'programNotification',
        { context, value: { pubkey: key, account: accountValue(key, sub.encoding) } },
      ]);
    }
    return out;
  }
  if (sub.kind === 'logs' && (sub.mentions === undefined || event.accountKeys.includes(sub.mentions)))
    return [
      [
        'logsNotification',
        { context, value: { signature: event.signature, err: event.err, logs: event.logs } },
      ],
    ];
  return [];
}

/**
 * Checks a `<kind>Subscribe` request's parameters now, so a malformed encoding or filter fails the
 * subscription and never the transactions notified later.
 *
 * @example
 * ```ts
 * parseSubscription(socket, 'logs', [{ mentions: [address] }]); // { socket, kind: 'logs', mentions }
 * ```
 */
export function parseSubscription(socket: WebSocket, kind: Kind, params: unknown[]): Subscription {
  const subscription: Subscription = { socket, kind };
  if (kind === 'signature') subscription.key = signature(params[0]);
  if (kind === 'account' || kind === 'program') {
    subscription.key = address(params[0], kind === 'program' ? 'program id' : 'account');
    subscription.encoding = accountConfig(params[1]).encoding;
    const filters = config<{ filters: unknown }>(params[1]).filters;
    if (kind === 'program' && filters !== undefined)
      subscription.matches = compileFilters(filters as Array<Record<string, unknown>>);
  }
  if (kind === 'logs') subscription.mentions = logsMention(params[0]);
  return subscription;
}

function logsMention(filter: unknown): string | undefined {
  if (typeof filter === 'object' && filter !== null && 'mentions' in filter) {
    const mentions = (filter as { mentions: unknown }).mentions;
    if (!Array.isArray(mentions) || mentions.length !== 1)
      throw new RpcError(-32602, 'Invalid params: mentions must hold exactly one address');
    return address(mentions[0], 'mentions');
  }
  if (filter !== 'all' && filter !== 'allWithVotes' && filter !== undefined)
    throw new RpcError(-32602, 'Invalid params: the logs filter must be "all" or { mentions: [address] }');
  return undefined;
}
