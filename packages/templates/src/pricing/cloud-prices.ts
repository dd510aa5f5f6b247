/** One on-demand cloud offer for a GPU model, per GPU-hour. */
export interface CloudGpuPrice {
  provider: 'AWS' | 'Google Cloud' | 'Azure';
  /** The instance type the figure comes from (the per-GPU price is the instance price / its GPU count). */
  instance: string;
  /** On-demand list price in USD per GPU per hour. */
  usdPerGpuHour: number;
  /** Memory of one GPU of that instance, in GB (as the instance type names it). */
  gpuMemoryGb: number;
}

/** The dated table of cloud GPU prices shipped with this package. */
export interface CloudPriceTable {
  /** When the list prices were recorded (ISO date); prices change, so compare with care. */
  asOf: string;
  /** Where they were read. */
  source: string;
  /** GPU model (lower-case, as in {@link normalizeGpuModel}) → offers. */
  gpus: Record<string, CloudGpuPrice[]>;
}

/**
 * On-demand (no commitment, Linux, US East region) list prices of the three big clouds, per GPU-hour, as published
 * on the providers' pricing pages named in `source` around `asOf`. Indicative only: they were written down without
 * a live check against those pages (none is reachable where this package is built), so verify them before quoting
 * a saving. Consumer GPUs (RTX 3060/3090/4090) are not sold by these clouds and have no entry. Static data: no
 * network call.
 */
export const CLOUD_GPU_PRICES: CloudPriceTable = Object.freeze({
  asOf: '2025-05-01',
  source:
    'aws.amazon.com/ec2/pricing/on-demand, cloud.google.com/compute/gpus-pricing, azure.microsoft.com/pricing/details/virtual-machines/linux (us-east, on-demand)',
  gpus: {
    h100: [
      { provider: 'AWS', instance: 'p5.48xlarge (8× H100 80GB)', usdPerGpuHour: 12.29, gpuMemoryGb: 80 },
      {
        provider: 'Google Cloud',
        instance: 'a3-highgpu-8g (8× H100 80GB)',
        usdPerGpuHour: 11.06,
        gpuMemoryGb: 80,
      },
      {
        provider: 'Azure',
        instance: 'ND96isr H100 v5 (8× H100 80GB)',
        usdPerGpuHour: 12.29,
        gpuMemoryGb: 80,
      },
    ],
    a100: [
      { provider: 'AWS', instance: 'p4d.24xlarge (8× A100 40GB)', usdPerGpuHour: 4.1, gpuMemoryGb: 40 },
      {
        provider: 'Google Cloud',
        instance: 'a2-highgpu-1g (1× A100 40GB)',
        usdPerGpuHour: 3.67,
        gpuMemoryGb: 40,
      },
      { provider: 'Azure', instance: 'NC24ads A100 v4 (1× A100 80GB)', usdPerGpuHour: 3.67, gpuMemoryGb: 80 },
    ],
    a10g: [{ provider: 'AWS', instance: 'g5.xlarge (1× A10G 24GB)', usdPerGpuHour: 1.01, gpuMemoryGb: 24 }],
    l4: [
      { provider: 'AWS', instance: 'g6.xlarge (1× L4 24GB)', usdPerGpuHour: 0.8, gpuMemoryGb: 24 },
      {
        provider: 'Google Cloud',
        instance: 'g2-standard-4 (1× L4 24GB)',
        usdPerGpuHour: 0.71,
        gpuMemoryGb: 24,
      },
    ],
    t4: [
      { provider: 'AWS', instance: 'g4dn.xlarge (1× T4 16GB)', usdPerGpuHour: 0.53, gpuMemoryGb: 16 },
      { provider: 'Google Cloud', instance: 'n1-standard-4 + 1× T4', usdPerGpuHour: 0.54, gpuMemoryGb: 16 },
    ],
  },
} satisfies CloudPriceTable);

/**
 * The key of a GPU model in {@link CLOUD_GPU_PRICES}: "NVIDIA H100 80GB HBM3" → "h100", "A100-SXM4-40GB" → "a100".
 *
 * @example
 * ```ts
 * normalizeGpuModel('NVIDIA A100-SXM4-80GB'); // 'a100'
 * ```
 */
export function normalizeGpuModel(model: string): string {
  const text = model.toLowerCase().replace(/^nvidia\s+/, '');
  const known = /\b(h100|h200|a100|a10g|l40s|l4|t4|a6000|rtx\s*\d{4})\b/.exec(text);
  return (known?.[1] ?? text).replace(/\s+/g, '');
}
