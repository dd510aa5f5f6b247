import { NosanaError } from '@nosana/core';
import { PublicKey } from '@solana/web3.js';
import type { MarketAccount } from '../protocol/accounts.js';
import { JobType } from '../protocol/constants.js';
import { SYSTEM_PROGRAM_ADDRESS } from '../protocol/ids.js';
import '../errors.js';

/**
 * What a market authority sets with `markets.open`: exactly the arguments (and the access-key account) of the
 * Jobs program's `open` instruction. The program fills in the rest itself (authority = the wallet, the vault, an
 * empty queue).
 */
export interface OpenMarketParameters {
  /** NOS base units per second a job pays (`job_price`, u64): `100n` is 0.0001 NOS/s. */
  price: bigint;
  /** Default job timeout in seconds (`job_timeout`): advisory, posters choose their own at `list`. */
  timeout: number;
  /** Seconds after a job ends before anyone may `clean` it (`job_expiration`). Default 86 400 (a day). */
  jobExpiration?: number;
  /** `job_type` (see `JobType`): `Default` (0, the default), `Small`, `Medium`, `Large` or `Gpu` (4). */
  jobType?: number;
  /** The NFT collection a node must hold to work here. Default: the system program, open to every node. */
  nodeAccessKey?: PublicKey | string;
  /** xNOS (base units) a node must have staked to work here (`node_xnos_minimum`, u128). Default 0n. */
  nodeStakeMinimum?: bigint;
}

/** What `markets.update` may change: any of the settings of {@link OpenMarketParameters}, the rest is kept. */
export type UpdateMarketParameters = Partial<OpenMarketParameters>;

/** A market's settings, complete and checked, as the `open` and `update` instructions take them. */
export interface MarketSettings {
  price: bigint;
  timeout: number;
  jobExpiration: number;
  jobType: number;
  nodeAccessKey: PublicKey;
  nodeStakeMinimum: bigint;
}

const FIELDS = ['price', 'timeout', 'jobExpiration', 'jobType', 'nodeAccessKey', 'nodeStakeMinimum'] as const;
const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const JOB_TYPES = Object.entries(JobType).filter(([name]) => name !== 'Unknown');
const DEFAULTS = {
  jobExpiration: 86_400,
  jobType: JobType.Default,
  nodeAccessKey: new PublicKey(SYSTEM_PROGRAM_ADDRESS),
  nodeStakeMinimum: 0n,
};

const show = (value: unknown) =>
  typeof value === 'bigint' ? `${value}n` : typeof value === 'string' ? `"${value}"` : String(value);

/**
 * Checks the settings given to `markets.open` (every required one present) or `markets.update` (any subset,
 * merged over the market's `current` settings) and returns the complete settings to send. Nothing touches the
 * network: bad input throws `CHAIN__MARKET_PARAMETER_INVALID`, naming the field, the value and what is accepted.
 *
 * @example
 * ```ts
 * const settings = validateMarketParameters('open', { price: 100n, timeout: 3600 });
 * // { price: 100n, timeout: 3600, jobExpiration: 86400, jobType: 0, nodeAccessKey: 1111…, nodeStakeMinimum: 0n }
 * validateMarketParameters('update', { price: -1n }, current); // throws CHAIN__MARKET_PARAMETER_INVALID (field price)
 * ```
 */
export function validateMarketParameters(
  operation: 'open' | 'update',
  input: OpenMarketParameters | UpdateMarketParameters,
  current?: MarketAccount,
): MarketSettings {
  const fail = (field: string, value: unknown, expected: string): never => {
    throw new NosanaError(
      'CHAIN__MARKET_PARAMETER_INVALID',
      `markets.${operation}: ${field} ${expected}, got ${show(value)} — nothing was sent`,
      { operation, field, value: show(value) },
    );
  };
  if (typeof input !== 'object' || input === null) {
    fail('parameters', input, `must be an object with ${FIELDS.join(', ')}`);
  }
  for (const key of Object.keys(input)) {
    if ((FIELDS as readonly string[]).includes(key)) continue;
    fail(
      key,
      (input as Record<string, unknown>)[key],
      key === 'queueType'
        ? 'is not a market setting: the program manages the queue type itself (jobs or nodes waiting)'
        : `is not a setting of the program's ${operation} instruction (settings: ${FIELDS.join(', ')})`,
    );
  }
  const given = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined),
  ) as UpdateMarketParameters;
  if (operation === 'update' && Object.keys(given).length === 0) {
    fail('parameters', '{}', `need at least one of ${FIELDS.join(', ')} to change`);
  }
  if (operation === 'open') {
    if (given.price === undefined)
      fail('price', undefined, 'is required (NOS base units per second, e.g. 100n)');
    if (given.timeout === undefined) fail('timeout', undefined, 'is required (seconds, e.g. 3600)');
  }
  const base: MarketSettings = current
    ? {
        price: current.jobPrice,
        timeout: current.jobTimeout,
        jobExpiration: current.jobExpiration,
        jobType: current.jobType,
        nodeAccessKey: current.nodeAccessKey,
        nodeStakeMinimum: current.nodeXnosMinimum,
      }
    : ({ ...DEFAULTS } as MarketSettings);
  const settings: MarketSettings = { ...base };

  if (given.price !== undefined) {
    if (typeof given.price !== 'bigint' || given.price < 0n || given.price > U64_MAX) {
      fail(
        'price',
        given.price,
        `must be a bigint of NOS base units per second from 0n to ${U64_MAX}n (e.g. 100n for 0.0001 NOS/s)`,
      );
    }
    settings.price = given.price;
  }
  if (given.timeout !== undefined) {
    if (!Number.isSafeInteger(given.timeout) || given.timeout <= 0) {
      fail('timeout', given.timeout, 'must be a positive whole number of seconds (e.g. 3600)');
    }
    settings.timeout = given.timeout;
  }
  if (given.jobExpiration !== undefined) {
    if (!Number.isSafeInteger(given.jobExpiration) || given.jobExpiration < 0) {
      fail('jobExpiration', given.jobExpiration, 'must be a whole number of seconds, 0 or more (e.g. 86400)');
    }
    settings.jobExpiration = given.jobExpiration;
  }
  if (given.jobType !== undefined) {
    if (!JOB_TYPES.some(([, value]) => value === given.jobType)) {
      fail(
        'jobType',
        given.jobType,
        `must be one of ${JOB_TYPES.map(([name, value]) => `${value} (${name})`).join(', ')} (JobType.Unknown, 255, makes the program skip the queue, so nothing would ever be matched)`,
      );
    }
    settings.jobType = given.jobType as number;
  }
  if (given.nodeAccessKey !== undefined) {
    settings.nodeAccessKey = publicKey(given.nodeAccessKey, () =>
      fail(
        'nodeAccessKey',
        given.nodeAccessKey,
        `must be a public key (the NFT collection nodes must hold, or ${SYSTEM_PROGRAM_ADDRESS} for an open market)`,
      ),
    );
  }
  if (given.nodeStakeMinimum !== undefined) {
    if (
      typeof given.nodeStakeMinimum !== 'bigint' ||
      given.nodeStakeMinimum < 0n ||
      given.nodeStakeMinimum > U128_MAX
    ) {
      fail('nodeStakeMinimum', given.nodeStakeMinimum, 'must be a bigint of xNOS base units, 0n or more');
    }
    settings.nodeStakeMinimum = given.nodeStakeMinimum;
  }
  return settings;
}

function publicKey(value: unknown, fail: () => never): PublicKey {
  if (value instanceof PublicKey) return value;
  if (typeof value !== 'string') return fail();
  try {
    return new PublicKey(value);
  } catch {
    return fail();
  }
}
