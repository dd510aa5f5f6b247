/**
 * Account reads over {@link jsonRpc}: one account, or a program's accounts of one kind, as raw bytes with base58
 * addresses.
 */
import { base58 } from '@scure/base';
import type { KeyAt, NosanaAccountName } from '../protocol/account-bytes.js';
import { ACCOUNT_DISCRIMINATORS } from '../protocol/account-bytes.js';
import { jsonRpc } from './json-rpc.js';

/** Reads the address at `offset` as base58 text (the lite reads' address type). */
export const base58At: KeyAt<string> = (data, offset) => base58.encode(data.subarray(offset, offset + 32));

/** An account as the lite reads see it. */
export interface LiteAccount {
  address: string;
  owner: string;
  data: Uint8Array;
}

/** Where the lite reads go. */
export interface LiteRpc {
  rpcUrl: string;
  /** Default `confirmed` (the client's). */
  commitment?: 'processed' | 'confirmed' | 'finalized';
  /** Per call; default 10,000 ms. */
  timeoutMs?: number;
}

interface EncodedAccount {
  owner: string;
  data: [string, 'base64'];
}

const decoded = (address: string, account: EncodedAccount): LiteAccount => ({
  address,
  owner: account.owner,
  data: new Uint8Array(Buffer.from(account.data[0], 'base64')),
});

/**
 * One account, or null when it does not exist.
 *
 * @example
 * ```ts
 * const account = await readAccount({ rpcUrl: 'http://127.0.0.1:8899' }, address);
 * ```
 */
export async function readAccount(rpc: LiteRpc, address: string): Promise<LiteAccount | null> {
  const { value } = await jsonRpc<{ value: EncodedAccount | null }>({
    url: rpc.rpcUrl,
    method: 'getAccountInfo',
    params: [address, { encoding: 'base64', commitment: rpc.commitment ?? 'confirmed' }],
    ...(rpc.timeoutMs ? { timeoutMs: rpc.timeoutMs } : {}),
  });
  return value ? decoded(address, value) : null;
}

/**
 * The accounts of `program` whose Anchor discriminator is that of `name` (and whose bytes `match`).
 *
 * @example
 * ```ts
 * const markets = await readProgramAccounts(rpc, PROGRAM_ADDRESSES.mainnet.jobs, 'MarketAccount');
 * ```
 */
export async function readProgramAccounts(
  rpc: LiteRpc,
  program: string,
  name: NosanaAccountName,
  /** More `memcmp` filters: bytes at an offset of the account's data. */
  match: Array<{ offset: number; bytes: Uint8Array }> = [],
): Promise<LiteAccount[]> {
  const found = await jsonRpc<Array<{ pubkey: string; account: EncodedAccount }>>({
    url: rpc.rpcUrl,
    method: 'getProgramAccounts',
    params: [
      program,
      {
        encoding: 'base64',
        commitment: rpc.commitment ?? 'confirmed',
        filters: [
          { memcmp: { offset: 0, bytes: base58.encode(ACCOUNT_DISCRIMINATORS[name]) } },
          ...match.map(({ offset, bytes }) => ({ memcmp: { offset, bytes: base58.encode(bytes) } })),
        ],
      },
    ],
    ...(rpc.timeoutMs ? { timeoutMs: rpc.timeoutMs } : {}),
  });
  return found.map(({ pubkey, account }) => decoded(pubkey, account));
}

/**
 * Whether `text` is a base58 address (32 bytes).
 *
 * @example
 * ```ts
 * isAddress('11111111111111111111111111111111'); // true
 * ```
 */
export function isAddress(text: string): boolean {
  try {
    return base58.decode(text).length === 32;
  } catch {
    return false;
  }
}
