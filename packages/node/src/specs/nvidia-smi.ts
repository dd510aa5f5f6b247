/**
 * Pure parsing of `nvidia-smi` output for the host's specs: the GPU query with its header and units
 * (`--format=csv`), and the CUDA version of the banner. The command itself is run at the edge
 * (`collectHostSpecs`, with an injected exec).
 */
import type { GpuSpec } from '@nosana/runtime';

/** The fields `nosana node specs` asks `nvidia-smi` for, in this order. */
export const GPU_QUERY_FIELDS = [
  'index',
  'name',
  'uuid',
  'memory.total',
  'driver_version',
  'compute_cap',
  'pcie.link.gen.current',
  'pcie.link.gen.max',
  'pcie.link.width.current',
  'pcie.link.width.max',
] as const;

/** The arguments of that query: CSV with its header and units, so columns are read by name. */
export const GPU_QUERY_ARGS = [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv'];

/** A GPU with what a market and a poster care about. */
export interface GpuDetails extends GpuSpec {
  /** CUDA compute capability ("8.9"), or null when the driver does not report it. */
  computeCapability: string | null;
  /** The PCIe link: generation and lane width, now and at most (an idle GPU drops to a lower generation). */
  pcie: {
    genCurrent: number | null;
    genMax: number | null;
    widthCurrent: number | null;
    widthMax: number | null;
  };
}

/**
 * Parses `nvidia-smi --query-gpu=<GPU_QUERY_FIELDS> --format=csv` (header and units). Columns are matched by the
 * header's field names, so an older driver that lacks a field (e.g. `compute_cap`) yields null for it; `[N/A]`
 * and `[Not Supported]` are null too. Without a header the fields are read in the order of {@link GPU_QUERY_FIELDS}.
 *
 * @example
 * ```ts
 * parseGpuQuery('index, name, uuid, memory.total [MiB]\n0, NVIDIA H100 80GB HBM3, GPU-9a4c…, 81559 MiB');
 * // [{ index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-9a4c…', memoryMiB: 81559, driverVersion: '', … }]
 * ```
 */
export function parseGpuQuery(text: string): GpuDetails[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const first = lines[0] ?? '';
  const hasHeader = /^index\b/i.test(first);
  const columns = hasHeader
    ? first.split(',').map((field) =>
        field
          .trim()
          .replace(/\s*\[.*\]$/, '')
          .toLowerCase(),
      )
    : [...GPU_QUERY_FIELDS];
  return (hasHeader ? lines.slice(1) : lines)
    .map((line) => {
      const cells = line.split(',').map((cell) => cell.trim());
      const field = (name: string): string | null => {
        const at = columns.indexOf(name);
        const value = at < 0 ? undefined : cells[at];
        return value === undefined || value === '' || /^\[.*\]$/.test(value) ? null : value;
      };
      const int = (name: string): number | null => {
        const value = Number.parseInt((field(name) ?? '').replace(/\s*MiB$/i, ''), 10);
        return Number.isFinite(value) ? value : null;
      };
      return {
        index: int('index') ?? Number.NaN,
        name: field('name') ?? '',
        uuid: field('uuid') ?? '',
        memoryMiB: int('memory.total'),
        driverVersion: field('driver_version') ?? '',
        computeCapability: field('compute_cap'),
        pcie: {
          genCurrent: int('pcie.link.gen.current'),
          genMax: int('pcie.link.gen.max'),
          widthCurrent: int('pcie.link.width.current'),
          widthMax: int('pcie.link.width.max'),
        },
      };
    })
    .filter((gpu) => Number.isInteger(gpu.index) && gpu.uuid !== '');
}

/**
 * "PCIe 4.0 x16" (at most), with the current link when it differs ("now 1.0 x8", e.g. an idle laptop GPU).
 *
 * @example
 * ```ts
 * describePcie({ genCurrent: 1, genMax: 4, widthCurrent: 8, widthMax: 16 }); // 'PCIe 4.0 x16 (now 1.0 x8)'
 * ```
 */
export function describePcie(pcie: GpuDetails['pcie']): string {
  if (pcie.genMax === null && pcie.widthMax === null) return 'PCIe link unknown';
  const link = (gen: number | null, width: number | null) =>
    `${gen === null ? '?' : `${gen}.0`} x${width ?? '?'}`;
  const max = link(pcie.genMax, pcie.widthMax);
  const now = link(pcie.genCurrent, pcie.widthCurrent);
  return now === max || (pcie.genCurrent === null && pcie.widthCurrent === null)
    ? `PCIe ${max}`
    : `PCIe ${max} (now ${now})`;
}
