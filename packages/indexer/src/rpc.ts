/** A minimal JSON-RPC caller for the follower: coded errors that name the method and the endpoint. */
import { NosanaError } from '@nosana/core';
import './errors.js';

/** Calls `method` with `params` and returns its `result` (`timeoutMs` overrides the caller's default). */
export type RpcCall = <T>(method: string, params: unknown[], options?: { timeoutMs?: number }) => Promise<T>;

/**
 * A JSON-RPC caller of `rpcUrl` (`timeoutMs` per call, default 60 s); failures throw `INDEXER__RPC_FAILED`.
 *
 * @example
 * ```ts
 * const rpc = createRpcCall('http://127.0.0.1:8899');
 * const slot = await rpc<number>('getSlot', []);
 * ```
 */
export function createRpcCall(rpcUrl: string, timeoutMs = 60_000): RpcCall {
  let requestId = 0;
  return async <T>(method: string, params: unknown[], options: { timeoutMs?: number } = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++requestId, method, params }),
        signal: AbortSignal.timeout(options.timeoutMs ?? timeoutMs),
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
}
