import { execFile } from 'node:child_process';
import { NosanaError } from '@nosana/core';
import '../errors.js';

/** A GPU as `nvidia-smi` reports it. */
export interface GpuSpec {
  index: number;
  name: string;
  uuid: string;
  /** Total memory in MiB (null when the driver reports [N/A]). */
  memoryMiB: number | null;
  driverVersion: string;
}

/** What {@link detectGpus} found. */
export interface DetectGpusResult {
  gpus: GpuSpec[];
  /** CUDA version the driver supports, when known. */
  cudaVersion: string | null;
  /** Why no GPU was found (no nvidia-smi, no driver…), when none was. */
  reason?: string;
}

/** The `nvidia-smi` query this package runs. */
export const NVIDIA_SMI_QUERY = [
  '--query-gpu=index,name,uuid,memory.total,driver_version',
  '--format=csv,noheader,nounits',
];

/**
 * Parses `nvidia-smi --query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits`.
 *
 * @example
 * ```ts
 * parseNvidiaSmiCsv('0, NVIDIA H100 80GB HBM3, GPU-6f9c…, 81559, 550.54.15');
 * // [{ index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-6f9c…', memoryMiB: 81559, driverVersion: '550.54.15' }]
 * ```
 */
export function parseNvidiaSmiCsv(text: string): GpuSpec[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('index'))
    .map((line) => {
      const [index, name, uuid, memory, driver] = line.split(',').map((field) => field.trim());
      const memoryMiB = Number.parseInt((memory ?? '').replace(/\s*MiB$/, ''), 10);
      return {
        index: Number(index),
        name: name ?? '',
        uuid: uuid ?? '',
        memoryMiB: Number.isFinite(memoryMiB) ? memoryMiB : null,
        driverVersion: driver && driver !== '[N/A]' ? driver : '',
      };
    })
    .filter((gpu) => Number.isInteger(gpu.index) && gpu.uuid !== '');
}

/** The CUDA version from `nvidia-smi`'s banner ("CUDA Version: 12.4"), or null. */
export function parseCudaVersion(text: string): string | null {
  return /CUDA Version:\s*([\d.]+)/.exec(text)?.[1] ?? null;
}

/** Parameters of {@link detectGpus}. */
export interface DetectGpusParameters {
  /** The nvidia-smi executable. Default `nvidia-smi` from PATH. */
  command?: string;
  timeoutMs?: number;
}

const run = (command: string, args: string[], timeoutMs: number) =>
  new Promise<string>((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve(stdout),
    );
  });

/**
 * Detects NVIDIA GPUs with `nvidia-smi`. No `nvidia-smi` (or a driver that does not answer) means no GPU, with
 * the reason; anything else unexpected is a `RUNTIME__GPU_DETECTION_FAILED` error.
 *
 * @example
 * ```ts
 * const { gpus, cudaVersion } = await detectGpus();
 * ```
 */
export async function detectGpus({
  command = 'nvidia-smi',
  timeoutMs = 10_000,
}: DetectGpusParameters = {}): Promise<DetectGpusResult> {
  let csv: string;
  try {
    csv = await run(command, NVIDIA_SMI_QUERY, timeoutMs);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT')
      return { gpus: [], cudaVersion: null, reason: `${command} not found: no NVIDIA driver is installed` };
    const detail = (failure.stderr || failure.message).trim().split('\n')[0] ?? '';
    if (/has failed|couldn't communicate|no devices were found/i.test(detail))
      return { gpus: [], cudaVersion: null, reason: detail };
    throw new NosanaError(
      'RUNTIME__GPU_DETECTION_FAILED',
      `${command} failed: ${detail}`,
      { command, reason: detail },
      { cause: error },
    );
  }
  const gpus = parseNvidiaSmiCsv(csv);
  const banner = await run(command, [], timeoutMs).catch(() => '');
  return {
    gpus,
    cudaVersion: parseCudaVersion(banner),
    ...(gpus.length === 0 ? { reason: 'nvidia-smi reports no GPU' } : {}),
  };
}
