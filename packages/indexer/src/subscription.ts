/**
 * One WebSocket connection subscribed to the Jobs program: `programSubscribe` (account updates) and
 * `logsSubscribe` mentioning it (transactions, to find closed accounts). Reports when both subscriptions are
 * confirmed, each notification, and the close; reconnecting is the caller's.
 */
import WebSocket from 'ws';
import type { AccountJson } from './sync.js';

/** Parameters of {@link openSubscription}. */
export interface OpenSubscriptionParameters {
  wsUrl: string;
  jobsProgram: string;
  /** Both subscriptions are confirmed. */
  onSubscribed: () => void;
  onAccount: (address: string, account: AccountJson, slot: number) => void;
  /** A successful transaction mentioning the program. */
  onTransaction: (signature: string, slot: number) => void;
  onClose: () => void;
  log: (message: string) => void;
}

interface Message {
  id?: number;
  result?: unknown;
  error?: { message: string };
  method?: string;
  params?: { subscription: number; result: { context: { slot: number }; value: unknown } };
}

/**
 * Opens the connection and subscribes.
 *
 * @example
 * ```ts
 * const ws = openSubscription({ wsUrl, jobsProgram, onSubscribed, onAccount, onTransaction, onClose, log });
 * ws.terminate();
 * ```
 */
export function openSubscription({
  wsUrl,
  jobsProgram,
  onSubscribed,
  onAccount,
  onTransaction,
  onClose,
  log,
}: OpenSubscriptionParameters): WebSocket {
  const ws = new WebSocket(wsUrl);
  let confirmed = 0;
  const request = (id: number, method: string, params: unknown[]) =>
    ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  ws.on('open', () => {
    request(1, 'programSubscribe', [jobsProgram, { encoding: 'base64', commitment: 'confirmed' }]);
    request(2, 'logsSubscribe', [{ mentions: [jobsProgram] }, { commitment: 'confirmed' }]);
  });
  ws.on('message', (raw) => {
    let message: Message;
    try {
      message = JSON.parse(String(raw));
    } catch {
      return;
    }
    if (message.id === 1 || message.id === 2) {
      if (message.error) {
        log(`subscription refused: ${message.error.message}`);
        ws.terminate();
      } else if (++confirmed === 2) onSubscribed();
      return;
    }
    const params = message.params;
    if (!params) return;
    const slot = params.result.context.slot;
    if (message.method === 'programNotification') {
      const { pubkey, account } = params.result.value as { pubkey: string; account: AccountJson };
      onAccount(pubkey, account, slot);
    } else if (message.method === 'logsNotification') {
      const { signature, err } = params.result.value as { signature: string; err: unknown };
      if (!err) onTransaction(signature, slot);
    }
  });
  ws.on('error', (error) => log(`websocket ${wsUrl}: ${error.message}`));
  ws.on('close', onClose);
  return ws;
}
