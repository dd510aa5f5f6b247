/** Shared shapes of the JSON-RPC method groups: the method table and account configurations. */
import { config, integer, oneOf } from './params.js';
import { RpcError } from './rpc-error.js';

/** A table of JSON-RPC methods by name; each takes the request's params array. */
export type RpcMethods = Record<string, (params: unknown[]) => unknown>;

/** Largest account Solana allows (10 MiB): the bound of `dataSlice`. */
const MAX_ACCOUNT_SIZE = 10 * 1024 * 1024;

/** Account data encodings of the account methods. */
export const ACCOUNT_ENCODINGS = ['base58', 'base64', 'base64+zstd', 'jsonParsed', 'json'] as const;
export type Encoding = (typeof ACCOUNT_ENCODINGS)[number];
export interface AccountConfig {
  encoding: Encoding;
  dataSlice?: { offset: number; length: number };
}

/**
 * Checks an account configuration (`encoding`, `dataSlice`) of `getAccountInfo`-like methods and subscriptions.
 *
 * @example
 * ```ts
 * accountConfig({ encoding: 'base64', dataSlice: { offset: 0, length: 8 } });
 * ```
 */
export function accountConfig(value: unknown): AccountConfig {
  const raw = config<{ encoding: unknown; dataSlice: unknown }>(value);
  const encoding = oneOf(raw.encoding, 'encoding', ACCOUNT_ENCODINGS, 'base64');
  if (encoding === 'base64+zstd')
    throw new RpcError(-32602, 'base64+zstd encoding is not supported by the localnet; use base64');
  if (raw.dataSlice === undefined || raw.dataSlice === null) return { encoding };
  const slice = config<{ offset: unknown; length: unknown }>(raw.dataSlice, 'dataSlice');
  return {
    encoding,
    dataSlice: {
      offset: integer(slice.offset, 'dataSlice.offset', 0, MAX_ACCOUNT_SIZE),
      length: integer(slice.length, 'dataSlice.length', 0, MAX_ACCOUNT_SIZE),
    },
  };
}
