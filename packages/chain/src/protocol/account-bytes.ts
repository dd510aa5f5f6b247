/**
 * The byte-level pieces the account codecs share: the Anchor discriminators, little-endian readers and writers, and
 * the discriminator check. No `PublicKey` here: decoders take the way they read an address (`KeyAt`), so that reads
 * without web3.js (`@nosana/chain/lite`) share them.
 */

import { NosanaError } from '@nosana/core';
import '../errors.js';

/** 8-byte Anchor account discriminators (sha256("account:<Name>")[0..8]). */
export const ACCOUNT_DISCRIMINATORS = {
  MarketAccount: Uint8Array.from([0xc9, 0x4e, 0xbb, 0xe1, 0xf0, 0xc6, 0xc9, 0xfb]),
  JobAccount: Uint8Array.from([0x5b, 0x10, 0xa2, 0x05, 0x2d, 0xd2, 0x7d, 0x41]),
  RunAccount: Uint8Array.from([0xc2, 0xa9, 0x6e, 0xe6, 0xeb, 0x0b, 0xe1, 0x16]),
  StakeAccount: Uint8Array.from([0x50, 0x9e, 0x43, 0x7c, 0x32, 0xbd, 0xc0, 0xff]),
  ReflectionAccount: Uint8Array.from([0xcd, 0x99, 0xa0, 0x36, 0xef, 0x1a, 0xdb, 0xbc]),
  RewardAccount: Uint8Array.from([0xe1, 0x51, 0x1f, 0xfd, 0x54, 0xea, 0xab, 0x81]),
  PoolAccount: Uint8Array.from([0x74, 0xd2, 0xbb, 0x77, 0xc4, 0xc4, 0x34, 0x89]),
} as const;
export type NosanaAccountName = keyof typeof ACCOUNT_DISCRIMINATORS;

/** Reads the 32-byte address at `offset` as a `K` (a `PublicKey`, or base58 text). */
export type KeyAt<K> = (data: Uint8Array, offset: number) => K;
/** A little-endian view of the bytes. */
export const view = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);
/** An unsigned 128-bit integer at `offset`. */
export const u128 = (v: DataView, offset: number) =>
  v.getBigUint64(offset, true) | (v.getBigUint64(offset + 8, true) << 64n);
/** Writes an unsigned 128-bit integer at `offset`. */
export const setU128 = (v: DataView, offset: number, value: bigint) => {
  v.setBigUint64(offset, value & 0xffff_ffff_ffff_ffffn, true);
  v.setBigUint64(offset + 8, value >> 64n, true);
};
/** A signed 64-bit integer at `offset`, as a number (times and durations). */
export const i64 = (v: DataView, offset: number) => Number(v.getBigInt64(offset, true));

/** Throws `CHAIN__ACCOUNT_INVALID` unless `data` is at least `minLength` bytes and starts with the discriminator of `name`. */
export function checkDiscriminator(name: NosanaAccountName, data: Uint8Array, minLength: number): void {
  const expected = ACCOUNT_DISCRIMINATORS[name];
  if (data.length < minLength || !expected.every((b, i) => data[i] === b)) {
    throw new NosanaError(
      'CHAIN__ACCOUNT_INVALID',
      `the account data is not a ${name} (${data.length < minLength ? `${data.length} bytes, expected at least ${minLength}` : 'wrong discriminator'}) — check the address`,
      { account: name },
    );
  }
}

/** True when `data` starts with the discriminator of `name`. */
export function isAccountOf(name: NosanaAccountName, data: Uint8Array): boolean {
  return ACCOUNT_DISCRIMINATORS[name].every((b, i) => data[i] === b);
}
