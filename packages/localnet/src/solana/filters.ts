import { base58, base64 } from '@scure/base';
import { RpcError } from './rpc-error.js';

/** True when account data passes every `getProgramAccounts`-style filter (`dataSize`, `memcmp`). */
export function matchesFilters(data: Uint8Array, filters: ReadonlyArray<Record<string, unknown>>): boolean {
  return filters.every((filter) => {
    if (typeof filter.dataSize === 'number') return data.length === filter.dataSize;
    const memcmp = filter.memcmp as { offset: number; bytes: string; encoding?: string } | undefined;
    if (memcmp) {
      const bytes = memcmp.encoding === 'base64' ? base64.decode(memcmp.bytes) : base58.decode(memcmp.bytes);
      if (memcmp.offset + bytes.length > data.length) return false;
      return bytes.every((b, i) => data[memcmp.offset + i] === b);
    }
    if (filter.tokenAccountState !== undefined) return true;
    throw new RpcError(-32602, `unsupported filter ${JSON.stringify(filter)}`);
  });
}
