/**
 * Checks of JSON-RPC parameters before anything is decoded or looked up. Every base58/base64 string is checked
 * against the longest valid value first: base58 decoding is quadratic in the input, so an unbounded string in an
 * address would hold the event loop for minutes. Limits are those of Solana validators.
 */
import { base58, base64 } from '@scure/base';
import { PublicKey } from '@solana/web3.js';
import { RpcError } from './rpc-error.js';

/** Longest base58 text of a 32-byte address. */
export const MAX_ADDRESS_LENGTH = 44;
/** Longest base58 text of a 64-byte signature. */
export const MAX_SIGNATURE_LENGTH = 88;
/** Longest transaction (1232-byte packet) in base58, as Solana validators check it. */
export const MAX_BASE58_TRANSACTION_LENGTH = 1683;
/** Longest transaction (1232-byte packet) in base64, as Solana validators check it. */
export const MAX_BASE64_TRANSACTION_LENGTH = 1644;
/** Most signatures one `getSignatureStatuses` call may ask for (Solana's limit). */
export const MAX_SIGNATURE_STATUSES = 256;
/** Most addresses one `getMultipleAccounts` call may ask for (Solana's limit). */
export const MAX_MULTIPLE_ACCOUNTS = 100;

const invalid = (message: string) => new RpcError(-32602, `Invalid params: ${message}`);

/** Shows at most 60 characters of a hostile value in an error message. */
export function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}… (${text.length} characters)` : text;
}

/**
 * A base58 address, checked for length before it is decoded.
 *
 * @example
 * ```ts
 * address(params[0], 'account'); // '11111111111111111111111111111111', or an RpcError -32602
 * ```
 */
export function address(value: unknown, name = 'address'): string {
  if (typeof value !== 'string') throw invalid(`${name} must be a base58 address string`);
  if (value.length > MAX_ADDRESS_LENGTH)
    throw invalid(
      `${name} is ${value.length} characters long; a base58 address has at most ${MAX_ADDRESS_LENGTH}`,
    );
  try {
    return new PublicKey(value).toBase58();
  } catch {
    throw invalid(`${name} "${preview(value)}" is not a valid base58 address`);
  }
}

/** A base58 signature (or blockhash-like key) checked for type and length; it is only looked up, never decoded. */
export function signature(value: unknown, name = 'signature'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SIGNATURE_LENGTH)
    throw invalid(`${name} must be a base58 signature of at most ${MAX_SIGNATURE_LENGTH} characters`);
  return value;
}

/** A blockhash, checked for type and length; only looked up. */
export function blockhash(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ADDRESS_LENGTH)
    throw invalid(`blockhash must be a base58 string of at most ${MAX_ADDRESS_LENGTH} characters`);
  return value;
}

/** An array parameter of at most `max` items. */
export function list(value: unknown, name: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw invalid(`${name} must be an array`);
  if (value.length > max) throw invalid(`${name} has ${value.length} items; at most ${max} are allowed`);
  return value;
}

/** An optional configuration object (absent and null become `{}`). */
export function config<T extends object>(value: unknown, name = 'configuration'): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${name} must be an object`);
  return value as Partial<T>;
}

/** A safe integer in `[min, max]`. */
export function integer(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
    throw invalid(`${name} must be an integer from ${min} to ${max}, got ${preview(value)}`);
  return value;
}

/**
 * A non-negative integer amount in base units, sent as a JSON number (safe integer) or a decimal string of at
 * most 30 digits (u64 and u128 amounts do not fit a JSON number).
 *
 * @example
 * ```ts
 * baseUnits('1000000', 'amount'); // 1000000n
 * ```
 */
export function baseUnits(value: unknown, name: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,30}$/.test(value)) return BigInt(value);
  throw invalid(
    `${name} must be a non-negative integer (a number or a decimal string), got ${preview(value)}`,
  );
}

/** One of `allowed`, or `fallback` when absent. */
export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null) return fallback;
  if (!allowed.includes(value as T))
    throw invalid(`${name} must be one of ${allowed.join(', ')}, got ${preview(value)}`);
  return value as T;
}

/**
 * Decodes a wire transaction (or message) sent as base58 or base64, checking its length first.
 *
 * @example
 * ```ts
 * const bytes = encodedTransaction(params[0], 'base64');
 * ```
 */
export function encodedTransaction(value: unknown, encoding: 'base58' | 'base64', name = 'transaction') {
  if (typeof value !== 'string') throw invalid(`${name} must be an encoded string`);
  const max = encoding === 'base64' ? MAX_BASE64_TRANSACTION_LENGTH : MAX_BASE58_TRANSACTION_LENGTH;
  if (value.length > max)
    throw invalid(
      `${name} is ${value.length} ${encoding} characters; a transaction (1232 bytes) encodes to at most ${max}`,
    );
  try {
    return encoding === 'base64' ? base64.decode(value) : base58.decode(value);
  } catch {
    throw invalid(`${name} is not valid ${encoding}`);
  }
}
