/**
 * The localnet's own JSON-RPC methods (`localnet_*`), typed once: the localnet server implements these shapes and
 * clients call them through {@link callLocalnetRpc}, so neither side writes the request or the answer by hand.
 */
import { NosanaError } from '@nosana/core';
import type { ProgramSet } from '../protocol/program-addresses.js';
import { isNetworkError } from './send.js';
import '../errors.js';

/** A market the localnet created at genesis (`cpu`, `gpu`). */
export interface LocalnetMarketInfo {
  /** Short name: `cpu`, `gpu`. */
  name: string;
  address: string;
  description: string;
  /** NOS base units per second. */
  jobPrice: string;
  /** Default job timeout in seconds. */
  jobTimeout: number;
  jobType: number;
  jobExpiration: number;
  /**
   * Images hosts of the market should have before their first job (the real markets' `required_images`): nodes
   * pull them when they join the queue. Missing in localnets created before it existed (read as none).
   */
  requiredImages?: string[];
}

/** Services started next to a localnet (by `nosana localnet start`), announced through `localnet_info`. */
export interface LocalnetServices {
  /** The service gateway: hosts open their tunnels here; services are `<service-id>.localhost:<port>`. */
  gateway?: string;
  /** The indexer's API (`/api`) and explorer. */
  indexer?: string;
}

/** What `localnet_info` answers: what the localnet contains. */
export interface LocalnetInfoResult {
  /** Services running next to it, when its starter announced them (see `Localnet.announce`). */
  services?: LocalnetServices;
  programSet: ProgramSet;
  programs: { jobs: string; staking: string; rewards: string; pools: string; nodes: string };
  mint: string;
  faucet: string;
  marketAuthority: string;
  markets: LocalnetMarketInfo[];
  /** The genesis add-fee pool emitting into the rewards (absent from localnets older than the Pools emulation). */
  rewardsPool?: string;
  /** The Jobs program's network fee divisor (0: no fee). */
  jobFeeFraction?: number;
}

/** The localnet's methods: their positional parameters and results, as they travel in JSON. */
export interface LocalnetRpcMethods {
  /** What the localnet contains: programs, NOS mint, faucet, markets by name. */
  localnet_info: { params: []; result: LocalnetInfoResult };
  /** Mints NOS (base units, a decimal string) to `owner`'s token account; answers the signature. */
  localnet_airdropNos: { params: [owner: string, amount: string]; result: string };
  /** Moves the cluster clock forward by `seconds` (tests of timeouts and payouts); answers the new unix time. */
  localnet_advanceClock: { params: [seconds: number]; result: number };
}
export type LocalnetRpcMethod = keyof LocalnetRpcMethods;
export type LocalnetRpcParams<M extends LocalnetRpcMethod> = LocalnetRpcMethods[M]['params'];
export type LocalnetRpcResult<M extends LocalnetRpcMethod> = LocalnetRpcMethods[M]['result'];

/** Options of {@link callLocalnetRpc}. */
export interface CallLocalnetRpcOptions {
  signal?: AbortSignal;
  /** Default 10,000 ms. */
  timeoutMs?: number;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Calls a `localnet_*` method. Throws `CHAIN__RPC_UNREACHABLE` when nothing answers at `url` (connection refused,
 * DNS, timeout, an HTTP error) and `CHAIN__LOCALNET_RPC_FAILED` when the server answers a JSON-RPC error (for
 * example a network that is not a localnet: method not found).
 *
 * @example
 * ```ts
 * const info = await callLocalnetRpc('http://127.0.0.1:8899', 'localnet_info', []);
 * const signature = await callLocalnetRpc(url, 'localnet_airdropNos', [owner.toBase58(), '1000000']);
 * ```
 */
export async function callLocalnetRpc<M extends LocalnetRpcMethod>(
  url: string,
  method: M,
  params: LocalnetRpcParams<M>,
  { signal, timeoutMs = 10_000, fetch: fetchFn = fetch }: CallLocalnetRpcOptions = {},
): Promise<LocalnetRpcResult<M>> {
  const unreachable = (cause: unknown, status?: number) =>
    new NosanaError(
      'CHAIN__RPC_UNREACHABLE',
      `cannot reach the Solana RPC at ${url}${status ? ` (HTTP ${status})` : ''} — is the network (or \`nosana localnet start\`) running?`,
      { url },
      { cause },
    );
  let body: { result?: LocalnetRpcResult<M>; error?: { code?: number; message?: string } };
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok && response.status !== 400 && response.status !== 404)
      throw unreachable(new Error(`HTTP ${response.status}`), response.status);
    body = (await response.json()) as typeof body;
  } catch (error) {
    signal?.throwIfAborted();
    if (error instanceof NosanaError) throw error;
    if (timeout.aborted || isNetworkError(error)) throw unreachable(error);
    throw new NosanaError(
      'CHAIN__LOCALNET_RPC_FAILED',
      `${method} at ${url} did not answer JSON-RPC (${(error as Error)?.message ?? String(error)}) — is this a Nosana localnet?`,
      { method, url, error: (error as Error)?.message ?? String(error) },
      { cause: error },
    );
  }
  if (body.error || body.result === undefined) {
    const message = body.error?.message ?? 'no result';
    throw new NosanaError(
      'CHAIN__LOCALNET_RPC_FAILED',
      `${method} failed at ${url}: ${message} — ${method} exists on the Nosana localnet only`,
      { method, url, error: message },
    );
  }
  return body.result;
}
