import { jobDeposit } from '@nosana/core';
import type { Deployment, ObservedJob } from './types.js';

/** Jobs whose deposit is still in escrow: listed (or being listed), queued or running. */
export const isOpen = (job: ObservedJob) =>
  job.state === 'PENDING' || job.state === 'QUEUED' || job.state === 'RUNNING';

/**
 * What one job commits of a budget, in NOS base units: its whole deposit while it is open or stopped by a node
 * (the deposit is in escrow until recovered), what it was billed once it ended (`price × min(elapsed, timeout)`),
 * nothing once delisted or recovered.
 *
 * @example
 * ```ts
 * committed({ state: 'RUNNING', price: 10n, timeout: 600, … }); // 6000n
 * ```
 */
export function committed(job: ObservedJob): bigint {
  if (isOpen(job) || job.state === 'STOPPED') return job.price * BigInt(job.timeout);
  if (job.timeStart > 0 && job.timeEnd > job.timeStart) {
    return job.price * BigInt(Math.min(job.timeEnd - job.timeStart, job.timeout));
  }
  return 0n;
}

/**
 * The cost of listing one job of a deployment at a market price (its deposit).
 *
 * @example
 * ```ts
 * listCost(10n, 600); // 6000n
 * ```
 */
export function listCost(price: bigint, timeout: number): bigint {
  return jobDeposit({ price, timeout }).total;
}

/** Parameters of {@link forecast}. */
export interface ForecastParameters {
  deployment: Pick<Deployment, 'replicas' | 'budget' | 'strategy'>;
  spent: bigint;
  /** NOS base units per second of the market. */
  price: bigint;
}

/** Result of {@link forecast}. */
export interface ForecastResult {
  /** NOS base units per hour at the current replica count. */
  perHour: bigint;
  /** Budget not yet committed. */
  remaining: bigint;
  /** Seconds the remaining budget lasts at that rate (null when nothing is spent per hour). */
  secondsLeft: number | null;
}

/**
 * The spend forecast shown by `deployment get`: rate at the current replica count and how long the budget lasts.
 *
 * @example
 * ```ts
 * forecast({ deployment: { replicas: 2, budget: 100_000_000n, strategy: 'INFINITE' }, spent: 0n, price: 100n });
 * // { perHour: 720000n, remaining: 100000000n, secondsLeft: 500000 }
 * ```
 */
export function forecast({ deployment, spent, price }: ForecastParameters): ForecastResult {
  const perSecond = price * BigInt(deployment.replicas);
  const remaining = deployment.budget > spent ? deployment.budget - spent : 0n;
  return {
    perHour: perSecond * 3600n,
    remaining,
    secondsLeft: perSecond > 0n ? Number(remaining / perSecond) : null,
  };
}
