/**
 * One Solana JSON-RPC call over `node:http`/`node:https`: what a short-lived reader needs without web3.js's
 * `Connection` (its schemas and clients cost more to load than a read takes) or the global `fetch` (whose HTTP parser
 * is WebAssembly compiled on first use).
 */
import { NosanaError } from '@nosana/core';
import { sendHttp } from './http.js';
import '../errors.js';

/** Parameters of {@link jsonRpc}. */
export interface JsonRpcParameters {
  /** The RPC endpoint (`http:` or `https:`). */
  url: string;
  method: string;
  params: unknown[];
  /** Default 10,000 ms for the whole call. */
  timeoutMs?: number;
  /** Largest answer read, in bytes; default 64 MiB. */
  maxBytes?: number;
}

/**
 * Calls `method` and resolves with its `result`. Throws `CHAIN__RPC_UNREACHABLE` when nothing usable answers at
 * `url` (connection refused, DNS, timeout, an HTTP error, an answer over `maxBytes` or not JSON) and
 * `CHAIN__RPC_ERROR` when the server answers a JSON-RPC error.
 *
 * @example
 * ```ts
 * const slot = await jsonRpc<number>({ url: 'http://127.0.0.1:8899', method: 'getSlot', params: [] });
 * ```
 */
export async function jsonRpc<T>({
  url,
  method,
  params,
  timeoutMs = 10_000,
  maxBytes = 64 * 2 ** 20,
}: JsonRpcParameters): Promise<T> {
  const unreachable = (cause: unknown, detail?: string) =>
    new NosanaError(
      'CHAIN__RPC_UNREACHABLE',
      `cannot reach the Solana RPC at ${url}${detail ? ` (${detail})` : ''} — is the network (or \`nosana localnet start\`) running?`,
      { url },
      { cause },
    );
  const { status, body } = await sendHttp({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })),
    timeoutMs,
    maxBytes,
    fail: (_, cause, detail) => unreachable(cause, detail),
  });
  // Solana RPCs answer JSON-RPC errors with 200; some proxies use 400/404 with a JSON-RPC body.
  if (status >= 300 && status !== 400 && status !== 404)
    throw unreachable(new Error(`HTTP ${status}`), `HTTP ${status}`);
  const text = body.toString('utf8');
  let answer: { result?: T; error?: { code?: number; message?: string } };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch (error) {
    throw unreachable(error, 'the answer is not JSON');
  }
  if (answer.error || !('result' in answer)) {
    const message = answer.error?.message ?? 'no result';
    throw new NosanaError(
      'CHAIN__RPC_ERROR',
      `${method} failed at ${url}: ${message} — check the RPC URL (--rpc) and the network`,
      { url, method, error: message },
    );
  }
  return answer.result as T;
}
