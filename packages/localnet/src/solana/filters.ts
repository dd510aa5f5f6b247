import { base58, base64 } from '@scure/base';
import { preview } from './params.js';
import { RpcError } from './rpc-error.js';

/** A predicate on account data compiled from `getProgramAccounts`-style filters. */
export type DataFilter = (data: Uint8Array) => boolean;

/** Most filters one request may carry (Solana's limit). */
export const MAX_FILTERS = 4;
/** Most bytes one memcmp may compare (Solana's limit), and their longest base58 / base64 text. */
export const MAX_MEMCMP_BYTES = 128;
const MAX_MEMCMP_TEXT = { base58: 175, base64: 172 } as const;

/**
 * Compiles `getProgramAccounts`-style filters (`dataSize`, `memcmp` with base58 or base64 bytes,
 * `tokenAccountState`) into one predicate on account data. The filters are checked and their bytes decoded once,
 * here, so a scan over many accounts only compares bytes; an unsupported or malformed filter throws an `RpcError`
 * (-32602) before any account is read.
 *
 * @example
 * ```ts
 * const isJobOfMarket = compileFilters([
 *   { memcmp: { offset: 0, bytes: base58.encode(ACCOUNT_DISCRIMINATORS.JobAccount) } },
 *   { memcmp: { offset: OFFSETS.job.market, bytes: market.toBase58() } },
 * ]);
 * const jobs = bank.programAccounts(programs.jobs, isJobOfMarket);
 * ```
 */
export function compileFilters(filters: ReadonlyArray<Record<string, unknown>>): DataFilter {
  if (!Array.isArray(filters)) throw new RpcError(-32602, 'Invalid param: filters must be an array');
  if (filters.length > MAX_FILTERS)
    throw new RpcError(
      -32602,
      `Invalid param: ${filters.length} filters; at most ${MAX_FILTERS} are allowed`,
    );
  const checks = filters.map((filter): DataFilter | undefined => {
    if (typeof filter?.dataSize === 'number') {
      const size = filter.dataSize;
      return (data) => data.length === size;
    }
    const memcmp = filter?.memcmp as { offset?: unknown; bytes?: unknown; encoding?: unknown } | undefined;
    if (memcmp) {
      const { offset, bytes: text, encoding = 'base58' } = memcmp;
      if (!Number.isSafeInteger(offset) || (offset as number) < 0 || typeof text !== 'string')
        throw new RpcError(
          -32602,
          `Invalid param: memcmp needs an offset ≥ 0 and bytes, got ${preview(memcmp)}`,
        );
      if (encoding !== 'base58' && encoding !== 'base64')
        throw new RpcError(
          -32602,
          `Invalid param: memcmp encoding ${JSON.stringify(encoding)} (base58 or base64)`,
        );
      if (text.length > MAX_MEMCMP_TEXT[encoding])
        throw new RpcError(
          -32602,
          `Invalid param: memcmp bytes are ${text.length} ${encoding} characters; at most ${MAX_MEMCMP_TEXT[encoding]} (${MAX_MEMCMP_BYTES} bytes)`,
        );
      let bytes: Uint8Array;
      try {
        bytes = encoding === 'base64' ? base64.decode(text) : base58.decode(text);
      } catch {
        throw new RpcError(-32602, `Invalid param: memcmp bytes are not ${encoding}: ${preview(text)}`);
      }
      const start = offset as number;
      const end = start + bytes.length;
      return (data) => {
        if (end > data.length) return false;
        for (let i = 0; i < bytes.length; i++) if (data[start + i] !== bytes[i]) return false;
        return true;
      };
    }
    if (filter?.tokenAccountState !== undefined) return undefined;
    throw new RpcError(-32602, `unsupported filter ${preview(filter)}`);
  });
  const active = checks.filter((check): check is DataFilter => check !== undefined);
  return (data) => {
    for (const check of active) if (!check(data)) return false;
    return true;
  };
}
