import { NOS_DECIMALS, NosanaError } from '@nosana/core';
import {
  CLOUD_GPU_PRICES,
  type CloudGpuPrice,
  type CloudPriceTable,
  normalizeGpuModel,
} from './cloud-prices.js';
import '../errors.js';

/** Options of {@link compareWithCloud}. */
export interface CompareWithCloudParameters {
  /** The market's job price in NOS base units per second. */
  pricePerSecond: bigint;
  /** The job's timeout (maximum duration) in seconds: the deposit is price × timeout. */
  timeoutSeconds: number;
  /** The USD price of one NOS, given by the user (no hidden network call). */
  nosUsd: number;
  /** The GPU model of the market's hosts (e.g. "A100"), to find cloud equivalents; omit for CPU markets. */
  gpu?: string;
  /**
   * Without `gpu`: compare with the cheapest offer of any GPU model with at least this much memory per GPU (GB),
   * e.g. a job's `required_vram`. 0 means any GPU.
   */
  minVramGb?: number;
  /** The table to compare with (default: the dated table shipped with this package). */
  table?: CloudPriceTable;
}

/** A market's cost in NOS and USD, against the cheapest big-cloud on-demand equivalent. */
export interface CompareWithCloudResult {
  nosPerHour: number;
  usdPerHour: number;
  /** At full use: 730 hours (a year / 12). */
  usdPerMonth: number;
  /** price × timeout: the most the job can cost. */
  maxJobNos: number;
  maxJobUsd: number;
  /** The cheapest cloud offer for the GPU, or null when none is known (CPU markets, consumer GPUs). */
  cloud:
    | (CloudGpuPrice & {
        /** The GPU model key of the offer ("a100"). */
        model: string;
        usdPerMonth: number;
        /** The same time as the job's timeout on that offer. */
        maxJobUsd: number;
        asOf: string;
        source: string;
      })
    | null;
  /** How much cheaper the market is than that offer, in % (negative when it is dearer); null without offer. */
  savingPercent: number | null;
}

const HOURS_PER_MONTH = 730;

/**
 * Prices a market per hour, per month at full use and per job (price × timeout), in NOS and in USD at the
 * given NOS price, and compares it with the cheapest on-demand big-cloud offer for the same GPU. Pure.
 *
 * @example
 * ```ts
 * compareWithCloud({ pricePerSecond: 115n, timeoutSeconds: 7200, nosUsd: 0.5, gpu: 'A100' });
 * // { usdPerHour: 0.207, cloud: { provider: 'Google Cloud', usdPerGpuHour: 3.67, … }, savingPercent: 94.4, … }
 * ```
 */
export function compareWithCloud(parameters: CompareWithCloudParameters): CompareWithCloudResult {
  const { pricePerSecond, timeoutSeconds, nosUsd, gpu } = parameters;
  const table = parameters.table ?? CLOUD_GPU_PRICES;
  if (!(Number.isFinite(nosUsd) && nosUsd > 0))
    throw new NosanaError(
      'TEMPLATES__INVALID_PARAMETER',
      `the NOS price must be a positive USD amount, got ${nosUsd}; e.g. --nos-usd 0.5`,
      {
        template: 'pricing',
        parameter: 'nos-usd',
        value: String(nosUsd),
      },
    );
  const nos = (baseUnits: bigint) => Number(baseUnits) / 10 ** NOS_DECIMALS;
  const nosPerHour = nos(pricePerSecond * 3600n);
  const maxJobNos = nos(pricePerSecond * BigInt(Math.max(0, Math.floor(timeoutSeconds))));
  const usdPerHour = nosPerHour * nosUsd;
  const { minVramGb } = parameters;
  const offers: Array<CloudGpuPrice & { model: string }> =
    gpu !== undefined
      ? (table.gpus[normalizeGpuModel(gpu)] ?? []).map((o) => ({ ...o, model: normalizeGpuModel(gpu) }))
      : minVramGb !== undefined
        ? Object.entries(table.gpus).flatMap(([model, list]) =>
            list.filter((o) => o.gpuMemoryGb >= minVramGb).map((o) => ({ ...o, model })),
          )
        : [];
  const cheapest = [...offers].sort((a, b) => a.usdPerGpuHour - b.usdPerGpuHour)[0];
  const cloud = cheapest
    ? {
        ...cheapest,
        usdPerMonth: round(cheapest.usdPerGpuHour * HOURS_PER_MONTH),
        maxJobUsd: round((cheapest.usdPerGpuHour * Math.max(0, timeoutSeconds)) / 3600, 4),
        asOf: table.asOf,
        source: table.source,
      }
    : null;
  return {
    nosPerHour: round(nosPerHour, 6),
    usdPerHour: round(usdPerHour, 4),
    usdPerMonth: round(usdPerHour * HOURS_PER_MONTH),
    maxJobNos: round(maxJobNos, 6),
    maxJobUsd: round(maxJobNos * nosUsd, 4),
    cloud,
    savingPercent: cloud ? round((1 - usdPerHour / cloud.usdPerGpuHour) * 100, 1) : null,
  };
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
