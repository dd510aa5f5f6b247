/**
 * What the `nosana stake` commands share: a stake as JSON (amounts with their unit: `{ nos, nosBaseUnits }`,
 * `{ xnos, xnosBaseUnits }`; times as ISO strings next to unix seconds), its human rendering, and argument parsing.
 */
import type { StakeView } from '@nosana/chain';
import { details } from './output.js';

/** A NOS amount with its unit: `{ "nos": "12.5", "nosBaseUnits": "12500000" }` (strings: no float rounding). */
export interface NosAmount {
  nos: string;
  nosBaseUnits: string;
}

/** An xNOS amount with its unit: `{ "xnos": "50.1", "xnosBaseUnits": "50100000" }`. */
export interface XnosAmount {
  xnos: string;
  xnosBaseUnits: string;
}

/** The unlock of an unstaked stake, as JSON. */
export interface StakeUnlockJson {
  /** When `unstake` ran: the release starts (ISO 8601, and unix seconds). */
  start: string;
  startUnix: number;
  /** When everything is released; the stake can be closed after it. */
  end: string;
  endUnix: number;
  /** What `stake withdraw` would move now. */
  withdrawable: NosAmount;
  withdrawn: NosAmount;
  /** Still locked in the vault now. */
  locked: NosAmount;
}

/** A stake as the `stake` commands return it with `--json`. */
export interface StakeJson {
  /** The stake account. */
  address: string;
  authority: string;
  status: StakeView['status'];
  /** What was staked (the program's `amount`; restake sets it to what the vault holds). */
  amount: NosAmount;
  /** What the stake's vault holds now. */
  vault: NosAmount;
  xnos: XnosAmount;
  durationSeconds: number;
  durationDays: number;
  /** The unlock after `unstake`, null while staked. */
  unlock: StakeUnlockJson | null;
}

const days = (seconds: number) => Number((seconds / 86_400).toFixed(4));
const iso = (unix: number) => new Date(unix * 1000).toISOString();

/** A stake as JSON. */
export async function stakeJson(stake: StakeView): Promise<StakeJson> {
  const { formatNos } = await import('@nosana/core');
  const nos = (value: bigint): NosAmount => ({ nos: formatNos(value), nosBaseUnits: value.toString() });
  const { unlock } = stake;
  return {
    address: stake.address.toBase58(),
    authority: stake.authority.toBase58(),
    status: stake.status,
    amount: nos(stake.amount),
    vault: nos(stake.vaultBalance),
    xnos: { xnos: formatNos(stake.xnos), xnosBaseUnits: stake.xnos.toString() },
    durationSeconds: stake.duration,
    durationDays: days(stake.duration),
    unlock: unlock
      ? {
          start: iso(unlock.start),
          startUnix: unlock.start,
          end: iso(unlock.end),
          endUnix: unlock.end,
          withdrawable: nos(unlock.withdrawable),
          withdrawn: nos(unlock.withdrawn),
          locked: nos(unlock.locked),
        }
      : null,
  };
}

/** A stake as `label: value` lines. */
export function stakeDetails(stake: StakeJson): string {
  const { unlock } = stake;
  return details([
    ['stake', stake.address],
    ['authority', stake.authority],
    ['status', stake.status],
    ['amount', `${stake.amount.nos} NOS`],
    ['vault', stake.vault.nos === stake.amount.nos ? undefined : `${stake.vault.nos} NOS`],
    ['xNOS', stake.xnos.xnos],
    ['duration', `${stake.durationDays} days`],
    ['unstaked', unlock?.start],
    ['unlocked', unlock ? `${unlock.end} (released linearly until then)` : undefined],
    ['withdrawable', unlock ? `${unlock.withdrawable.nos} NOS now` : undefined],
    ['withdrawn', unlock ? `${unlock.withdrawn.nos} NOS` : undefined],
  ]);
}

/** Parses a NOS amount argument (`12.5`) into base units: above 0, or at least 0 with `allowZero`. */
export async function parseStakeAmount(value: string, { allowZero = false } = {}): Promise<bigint> {
  const argument = 'amount';
  const { NosanaError, parseNos } = await import('@nosana/core');
  let amount: bigint;
  try {
    amount = parseNos(value);
  } catch {
    amount = -1n;
  }
  if (amount < 0n || (amount === 0n && !allowZero)) {
    throw new NosanaError(
      'CLI__INVALID_ARGUMENT',
      `"${value}" is not an amount of NOS to stake (${argument}) — write a number ${allowZero ? 'of at least 0' : 'above 0'} with at most 6 decimals, e.g. 1000 or 12.5`,
      { argument, value },
    );
  }
  return amount;
}
