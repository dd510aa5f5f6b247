/**
 * The benchmark job: a short, reproducible workload run by the node's own runtime. CPU: SHA-256 over a fixed
 * number of zero bytes, once on one core and then once per core at the same time (the digest is known in
 * advance, so a wrong answer is caught). GPU (when the host has one): half-precision matrix products with PyTorch.
 * Each op is its own group, so they run one after another. Pure.
 */
import { createHash } from 'node:crypto';
import type { JobDefinition } from '@nosana/core';

/** The CPU benchmark image: any image with `sh`, `dd`, `sha256sum` and `nproc` (BusyBox has them all). */
export const CPU_BENCHMARK_IMAGE = 'busybox:1.35';
/** The GPU benchmark image (pulled on GPU hosts only: about 3 GB). */
export const GPU_BENCHMARK_IMAGE = 'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime';
/** Default work of each CPU worker, in MiB of zeros hashed. */
export const DEFAULT_BENCHMARK_MIB = 128;

/** Parameters of {@link benchmarkDefinition}. */
export interface BenchmarkDefinitionParameters {
  /** MiB each CPU worker hashes. Default {@link DEFAULT_BENCHMARK_MIB}. */
  sizeMiB?: number;
  /** CPU image. Default {@link CPU_BENCHMARK_IMAGE}. */
  image?: string;
  /** Add the GPU op (the host has a GPU). Default false. */
  gpu?: boolean;
  /** GPU image. Default {@link GPU_BENCHMARK_IMAGE}. */
  gpuImage?: string;
}

const hash = (mib: number) => `dd if=/dev/zero bs=1048576 count=${mib} 2>/dev/null | sha256sum`;

/** The matrix-product loop of the GPU op: TFLOPS of FP16 4096×4096 products, timed with CUDA events. */
const GPU_SCRIPT = [
  'import torch',
  "n = 4096; a = torch.randn(n, n, device='cuda', dtype=torch.float16); b = torch.randn_like(a)",
  'for _ in range(5): a @ b',
  'torch.cuda.synchronize(); start = torch.cuda.Event(enable_timing=True); end = torch.cuda.Event(enable_timing=True)',
  'start.record()',
  'for _ in range(50): a @ b',
  'end.record(); torch.cuda.synchronize()',
  "print(f'tflops={2 * n**3 * 50 / (start.elapsed_time(end) / 1000) / 1e12:.1f}')",
  "print(f'gpu={torch.cuda.get_device_name(0)}')",
].join('\n');

/**
 * The benchmark's job definition.
 *
 * @example
 * ```ts
 * const definition = benchmarkDefinition({ sizeMiB: 64, gpu: specs.gpus.length > 0 });
 * ```
 */
export function benchmarkDefinition(parameters: BenchmarkDefinitionParameters = {}): JobDefinition {
  const sizeMiB = parameters.sizeMiB ?? DEFAULT_BENCHMARK_MIB;
  const image = parameters.image ?? CPU_BENCHMARK_IMAGE;
  const multi = `n=$(nproc); i=0; while [ $i -lt $n ]; do (${hash(sizeMiB)}) & i=$((i+1)); done; wait; echo workers=$n`;
  return {
    version: '0.1',
    type: 'container',
    meta: { trigger: 'benchmark' },
    ops: [
      {
        type: 'container/run',
        id: 'cpu-single',
        args: { image, cmd: ['sh', '-c', hash(sizeMiB)] },
        results: { digest: '^[0-9a-f]{64}' },
      },
      {
        type: 'container/run',
        id: 'cpu-multi',
        args: { image, cmd: ['sh', '-c', multi] },
        results: { digest: '^[0-9a-f]{64}', workers: '(?<=workers=)[0-9]+' },
      },
      ...(parameters.gpu
        ? [
            {
              type: 'container/run' as const,
              id: 'gpu',
              args: {
                image: parameters.gpuImage ?? GPU_BENCHMARK_IMAGE,
                gpu: true,
                cmd: ['python', '-c', GPU_SCRIPT],
              },
              results: { tflops: '(?<=tflops=)[0-9.]+', device: '(?<=gpu=).+' },
            },
          ]
        : []),
    ],
  } as JobDefinition;
}

/**
 * The SHA-256 of `mib` MiB of zero bytes: what every CPU worker must print.
 *
 * @example
 * ```ts
 * zeroDigest(1); // '30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58'
 * ```
 */
export function zeroDigest(mib: number): string {
  const hasher = createHash('sha256');
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mib; i++) hasher.update(block);
  return hasher.digest('hex');
}
