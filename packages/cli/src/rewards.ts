/**
 * What the `nosana rewards` commands share: a staker's rewards as JSON (amounts with their unit, like the stake
 * commands) and their human rendering.
 */
import type { RewardsView } from '@nosana/chain';
import { details } from './output.js';
import type { NosAmount, XnosAmount } from './stake.js';

/** A staker's rewards as the `rewards` commands return them with `--json`. */
export interface RewardsJson {
  /** The reward account. */
  address: string;
  authority: string;
  /** The xNOS the account entered with (a claim or a sync updates it to the stake's). */
  xnos: XnosAmount;
  /** The stake's xNOS now. */
  stakeXnos: XnosAmount;
  /** Earned from fees already added to the rewards. */
  accrued: NosAmount;
  /** What `rewards claim` pays now: accrued, plus this account's share of what the pools release first. */
  pending: NosAmount;
  /** This account's share of every fee from now on (0–1). */
  share: number;
  needsSync: boolean;
  /** The chain time the amounts were computed for (ISO 8601, and unix seconds). */
  asOf: string;
  asOfUnix: number;
}

/** Rewards as JSON. */
export async function rewardsJson(rewards: RewardsView): Promise<RewardsJson> {
  const { formatNos } = await import('@nosana/core');
  const nos = (value: bigint): NosAmount => ({ nos: formatNos(value), nosBaseUnits: value.toString() });
  const xnos = (value: bigint): XnosAmount => ({ xnos: formatNos(value), xnosBaseUnits: value.toString() });
  return {
    address: rewards.address.toBase58(),
    authority: rewards.authority.toBase58(),
    xnos: xnos(rewards.xnos),
    stakeXnos: xnos(rewards.stakeXnos),
    accrued: nos(rewards.accrued),
    pending: nos(rewards.pending),
    share: rewards.share,
    needsSync: rewards.needsSync,
    asOf: new Date(rewards.asOf * 1000).toISOString(),
    asOfUnix: rewards.asOf,
  };
}

/** Rewards as `label: value` lines. */
export function rewardsDetails(rewards: RewardsJson): string {
  return details([
    ['rewards', rewards.address],
    ['authority', rewards.authority],
    ['claimable', `${rewards.pending.nos} NOS (as of ${rewards.asOf})`],
    [
      'accrued',
      rewards.accrued.nos === rewards.pending.nos
        ? undefined
        : `${rewards.accrued.nos} NOS from fees added so far`,
    ],
    [
      'xNOS',
      rewards.needsSync
        ? `${rewards.xnos.xnos} (the stake has ${rewards.stakeXnos.xnos}: the next claim updates it)`
        : rewards.xnos.xnos,
    ],
    ['share', `${(rewards.share * 100).toFixed(4)} % of new fees`],
  ]);
}
