/**
 * One Solana JSON-RPC call over `node:http`/`node:https`: what a short-lived reader needs without web3.js's
 * `Connection` (its schemas and clients cost more to load than a read takes) or the global `fetch` (whose HTTP parser
 * is WebAssembly compiled on first use).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { NosanaError } from '@nosana/core';
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
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw unreachable(error, 'not a URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw unreachable(new Error(target.protocol), `${target.protocol} is not http: or https:`);
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
  const text = await new Promise<string>((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': body.length },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // Solana RPCs answer JSON-RPC errors with 200; some proxies use 400/404 with a JSON-RPC body.
        if (status >= 300 && status !== 400 && status !== 404) {
          res.resume();
          reject(unreachable(new Error(`HTTP ${status}`), `HTTP ${status}`));
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            res.destroy();
            reject(unreachable(new Error('too large'), `an answer over ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', (error) => reject(unreachable(error)));
      },
    );
    req.on('error', (error) =>
      reject(unreachable(error, error.name === 'AbortError' ? `no answer in ${timeoutMs} ms` : undefined)),
    );
    req.end(body);
  });
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
