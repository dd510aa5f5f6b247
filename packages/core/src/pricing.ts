import { NosanaError } from './errors.js';

/** NOS has 6 decimals: 1 NOS = 1,000,000 base units. */
export const NOS_DECIMALS = 6;
const UNIT = 10n ** BigInt(NOS_DECIMALS);

/**
 * Parses a NOS amount written in NOS (`"1.5"`, `"0.000115"`) into base units.
 *
 * @example
 * ```ts
 * parseNos('0.000115'); // 115n
 * ```
 */
export function parseNos(input: string): bigint {
  const text = input.trim();
  const match = /^(\d+)(?:\.(\d{0,6}))?$/.exec(text);
  if (!match) {
    throw new NosanaError(
      'CORE__INVALID_AMOUNT',
      `"${input}" is not a NOS amount — write a non-negative number with at most ${NOS_DECIMALS} decimals, e.g. "1.5"`,
      { input },
    );
  }
  return BigInt(match[1]!) * UNIT + BigInt((match[2] ?? '').padEnd(NOS_DECIMALS, '0'));
}

/**
 * Formats base units as NOS, without trailing zeros.
 *
 * @example
 * ```ts
 * formatNos(1_500_000n); // '1.5'
 * ```
 */
export function formatNos(baseUnits: bigint | number): string {
  const value = BigInt(baseUnits);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / UNIT;
  const fraction = (abs % UNIT).toString().padStart(NOS_DECIMALS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Parameters of {@link jobDeposit}. */
export interface JobDepositParameters {
  /** Market price in NOS base units per second. */
  price: bigint | number;
  /** Job timeout in seconds: the longest the job can be billed for. */
  timeout: number;
  /**
   * The network fee divisor (`fee = deposit / feeFraction`), paid on top of the deposit. 0 disables the fee,
   * as on the current mainnet program; it was 10 (10%) before 2026-05.
   */
  feeFraction?: number;
}

/** What posting a job locks up: the deposit held in escrow and the network fee. */
export interface JobDepositResult {
  deposit: bigint;
  fee: bigint;
  /** deposit + fee: what the poster's NOS account must hold. */
  total: bigint;
}

/**
 * The escrow a poster pays when listing a job: `price × timeout` (+ the network fee, if enabled).
 *
 * @example
 * ```ts
 * jobDeposit({ price: 115n, timeout: 3600 }); // { deposit: 414000n, fee: 0n, total: 414000n }
 * ```
 */
export function jobDeposit({ price, timeout, feeFraction = 0 }: JobDepositParameters): JobDepositResult {
  const p = nonNegative('price', BigInt(price));
  const t = nonNegative('timeout', seconds('timeout', timeout));
  const deposit = p * t;
  const fee = feeFraction > 0 ? deposit / BigInt(Math.trunc(feeFraction)) : 0n;
  return { deposit, fee, total: deposit + fee };
}

/** Parameters of {@link settleJob}. */
export interface SettleJobParameters {
  price: bigint | number;
  timeout: number;
  /** Unix seconds the job started running (the Run account's time). */
  timeStart: number;
  /** Unix seconds the job finished (or was ended). */
  timeEnd: number;
}

/** How a finished job's deposit is split. */
export interface SettleJobResult {
  /** Seconds between start and end (never negative). */
  elapsed: number;
  /** Seconds billed: `min(elapsed, timeout)`. */
  billable: number;
  /** Paid to the node: `price × billable`. */
  payout: bigint;
  /** Returned to the poster: `deposit − payout`. */
  refund: bigint;
}

/**
 * Splits a job's deposit between the node (`price × min(elapsed, timeout)`) and the poster (the rest), the
 * way the Jobs program does on `finish` and `end`.
 *
 * @example
 * ```ts
 * settleJob({ price: 100n, timeout: 60, timeStart: 1000, timeEnd: 1012 }); // payout 1200n, refund 4800n
 * ```
 */
export function settleJob({ price, timeout, timeStart, timeEnd }: SettleJobParameters): SettleJobResult {
  const p = nonNegative('price', BigInt(price));
  const t = nonNegative('timeout', seconds('timeout', timeout));
  const elapsed = Math.max(0, Math.trunc(timeEnd) - Math.trunc(timeStart));
  const billable = BigInt(elapsed) < t ? BigInt(elapsed) : t;
  const payout = p * billable;
  return { elapsed, billable: Number(billable), payout, refund: p * t - payout };
}

/**
 * The price of one hour at a per-second price, in base units.
 *
 * @example
 * ```ts
 * formatNos(pricePerHour(115n)); // '0.414'
 * ```
 */
export function pricePerHour(price: bigint | number): bigint {
  return BigInt(price) * 3600n;
}

function seconds(field: string, value: number): bigint {
  if (!Number.isSafeInteger(value)) {
    throw new NosanaError(
      'CORE__INVALID_PRICING_INPUT',
      `${field} must be a whole number of seconds, got ${value}`,
      {
        field,
        value: String(value),
      },
    );
  }
  return BigInt(value);
}

function nonNegative(field: string, value: bigint): bigint {
  if (value < 0n) {
    throw new NosanaError('CORE__INVALID_PRICING_INPUT', `${field} must not be negative, got ${value}`, {
      field,
      value: String(value),
    });
  }
  return value;
}
