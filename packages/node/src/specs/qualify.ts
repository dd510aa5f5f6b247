import type { GpuSpec } from '@nosana/runtime';

/** What a market asks of its hosts' GPUs. */
export interface MarketGpuRequirement {
  /** Market address or name, echoed in the verdict. */
  market: string;
  /** Accepted GPU models, matched case-insensitively as whole words in the nvidia-smi name ("RTX 4090", "A100"). */
  gpuModels?: string[];
  /** Minimum memory of each counted GPU, in GB (GiB, as nvidia-smi reports MiB). */
  minVramGb?: number;
  /** How many qualifying GPUs the host needs (default 1; 0 for a CPU market, which every host qualifies for). */
  minGpus?: number;
}

/** Options of {@link qualifyMarkets}. */
export interface QualifyMarketsParameters {
  gpus: readonly GpuSpec[];
  markets: readonly MarketGpuRequirement[];
}

/** The verdict for one market: qualified, or the reasons it refuses this host. */
export interface MarketQualification {
  market: string;
  qualified: boolean;
  /** The GPUs (indices) that satisfy the market. */
  gpus: number[];
  /** Why the host does not qualify (empty when it does). */
  reasons: string[];
}

/**
 * Decides, for a host's GPUs (as `nvidia-smi` reports them), which markets it qualifies for and why the others
 * refuse it (GPU model, VRAM, count). Pure.
 *
 * @example
 * ```ts
 * qualifyMarkets({ gpus: parseNvidiaSmiCsv(csv), markets: [{ market: 'nvidia-4090', gpuModels: ['RTX 4090'] }] });
 * ```
 */
export function qualifyMarkets({ gpus, markets }: QualifyMarketsParameters): MarketQualification[] {
  return markets.map((market) => {
    const needed = market.minGpus ?? 1;
    const byModel = market.gpuModels?.length
      ? gpus.filter((gpu) => matchesModel(gpu.name, market.gpuModels!))
      : gpus;
    const byVram =
      market.minVramGb === undefined ? byModel : byModel.filter((gpu) => vramGb(gpu) >= market.minVramGb!);
    const reasons: string[] = [];
    if (needed === 0) return { market: market.market, qualified: true, gpus: [], reasons };
    if (gpus.length === 0) reasons.push('no NVIDIA GPU found (nvidia-smi reports none)');
    else if (byModel.length === 0)
      reasons.push(`GPU model: needs ${market.gpuModels?.join(' or ')}, host has ${names(gpus)}`);
    else if (byVram.length === 0)
      reasons.push(
        `VRAM: needs ${market.minVramGb} GB per GPU, host has ${byModel.map((g) => `${vramGb(g).toFixed(1)} GB`).join(', ')}`,
      );
    else if (byVram.length < needed)
      reasons.push(`GPU count: needs ${needed}, host has ${byVram.length} that qualify`);
    return {
      market: market.market,
      qualified: reasons.length === 0,
      gpus: byVram.map((g) => g.index),
      reasons,
    };
  });
}

/** A GPU's memory in GB (GiB), 0 when unknown. */
export function vramGb(gpu: GpuSpec): number {
  return (gpu.memoryMiB ?? 0) / 1024;
}

function matchesModel(name: string, models: readonly string[]): boolean {
  const text = ` ${name.toLowerCase().replace(/[-_]/g, ' ')} `;
  return models.some((model) => text.includes(` ${model.toLowerCase().replace(/[-_]/g, ' ')} `));
}

function names(gpus: readonly GpuSpec[]): string {
  return [...new Set(gpus.map((g) => g.name))].join(', ');
}
