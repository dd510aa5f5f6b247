/**
 * What a job may cost against on-demand cloud GPUs, for `job post --dry-run` and `template use --dry-run`: the
 * maximum cost (price × timeout) in NOS and, at the NOS price the user gives, in USD next to the cheapest cloud
 * offer of the dated table of `@nosana/templates`. Never a network call.
 */
import type { MarketView } from '@nosana/chain';
import type { JobDefinition } from '@nosana/core';
import type { CompareWithCloudResult } from '@nosana/templates';
import { Flags } from '@oclif/core';

export const nosUsdFlag = Flags.string({
  summary:
    'USD price of 1 NOS, to show the cost in USD and against on-demand cloud GPUs (nothing is fetched)',
  env: 'NOSANA_NOS_USD',
});

export const cloudGpuFlag = Flags.string({
  summary:
    'GPU model to compare with on-demand cloud prices, e.g. A100 (default: the cheapest cloud GPU with the VRAM the job asks for)',
});

/** `--nos-usd` as a positive number (bad input otherwise). */
export async function parseNosUsd(value: string): Promise<number> {
  const nosUsd = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(nosUsd > 0)) {
    const { NosanaError } = await import('@nosana/core');
    throw new NosanaError(
      'CLI__INVALID_FLAG',
      `--nos-usd ${value} is not a positive USD amount; e.g. --nos-usd 0.5`,
      {
        flag: 'nos-usd',
        value,
      },
    );
  }
  return nosUsd;
}

/** Parameters of {@link jobCost}. */
export interface JobCostParameters {
  definition: JobDefinition;
  market: Pick<MarketView, 'jobPrice'>;
  timeout: number;
  nosUsd?: string | undefined;
  cloudGpu?: string | undefined;
}

/** The lines to print and the JSON of a job's cost against the cloud. */
export interface JobCost {
  entries: Array<[string, string]>;
  /** Null without --nos-usd. */
  comparison: CompareWithCloudResult | null;
}

/**
 * A job's maximum cost and its cloud equivalent: the model given, or the cheapest GPU with the job's
 * `meta.system_requirements.required_vram` (any GPU when unset) for a GPU job; none for a CPU job.
 *
 * @example
 * ```ts
 * const { entries } = await jobCost({ definition, market, timeout: 3600, nosUsd: '0.5' });
 * ```
 */
export async function jobCost({
  definition,
  market,
  timeout,
  nosUsd,
  cloudGpu,
}: JobCostParameters): Promise<JobCost> {
  const [{ compareWithCloud }, core] = await Promise.all([
    import('@nosana/templates'),
    import('@nosana/core'),
  ]);
  if (nosUsd === undefined)
    return {
      entries: [
        ['cloud', 'give --nos-usd <USD per NOS> for the cost in USD and the same time on a cloud GPU'],
      ],
      comparison: null,
    };
  const usdPerNos = await parseNosUsd(nosUsd);
  const gpuJob =
    definition.global?.gpu === true ||
    definition.ops.some((op) => op.type === 'container/run' && op.args.gpu === true);
  const required = Number(
    (definition.meta as { system_requirements?: { required_vram?: unknown } } | undefined)
      ?.system_requirements?.required_vram ?? 0,
  );
  const comparison = compareWithCloud({
    pricePerSecond: market.jobPrice,
    timeoutSeconds: timeout,
    nosUsd: usdPerNos,
    ...(cloudGpu ? { gpu: cloudGpu } : gpuJob ? { minVramGb: Number.isFinite(required) ? required : 0 } : {}),
  });
  const usd = (n: number) => `$${n.toFixed(n < 10 ? 4 : 2)}`;
  const { cloud } = comparison;
  const duration = core.formatDuration(timeout);
  const what = cloudGpu ?? (required > 0 ? `a GPU with ≥ ${required} GB` : 'a GPU');
  return {
    entries: [
      [
        'max cost',
        `${comparison.maxJobNos} NOS = ${usd(comparison.maxJobUsd)} at $${usdPerNos}/NOS (price × timeout)`,
      ],
      [
        'cloud',
        cloud
          ? `${usd(cloud.maxJobUsd)} for ${duration} on ${cloud.provider} ${cloud.instance} (${usd(cloud.usdPerGpuHour)}/GPU-hour, list price of ${cloud.asOf})`
          : cloudGpu || gpuJob
            ? `no on-demand offer for ${what} in the table`
            : 'a CPU job: no cloud GPU to compare with (give --cloud-gpu to compare anyway)',
      ],
      ...(comparison.savingPercent === null
        ? []
        : [['saving', `${comparison.savingPercent}% against that offer`] as [string, string]]),
    ],
    comparison,
  };
}
