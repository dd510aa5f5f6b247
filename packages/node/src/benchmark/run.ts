/**
 * Running the benchmark in the node's runtime, and keeping its signed report in the node's state directory
 * (`benchmark.json`), where the node API publishes it from.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowState } from '@nosana/core';
import type { Runtime, RuntimeEvent } from '@nosana/runtime';
import type { Keypair } from '@solana/web3.js';
import type { HostSpecs } from '../specs/host-specs.js';
import {
  benchmarkDefinition,
  CPU_BENCHMARK_IMAGE,
  DEFAULT_BENCHMARK_MIB,
  GPU_BENCHMARK_IMAGE,
} from './definition.js';
import { type SignedBenchmark, scoreBenchmark, signBenchmark, verifyBenchmark } from './report.js';

/** The file of the last signed benchmark in a node's state directory. */
export const BENCHMARK_FILE = 'benchmark.json';

/** Parameters of {@link runBenchmark}. */
export interface RunBenchmarkParameters {
  runtime: Pick<Runtime, 'runFlow' | 'reap'>;
  /** The node's key: the report names it and is signed with it. */
  keypair: Keypair;
  /** The host's specs (`collectHostSpecs`); a GPU op is added when they list a GPU and `gpu` is not false. */
  specs: HostSpecs;
  sizeMiB?: number;
  image?: string;
  gpu?: boolean;
  gpuImage?: string;
  /** Stop the flow after this long. Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: RuntimeEvent) => void;
  now?: () => Date;
}

/** Result of {@link runBenchmark}. */
export interface RunBenchmarkResult {
  signed: SignedBenchmark;
  /** The benchmark flow's result, as a job's would be. */
  flow: FlowState;
}

/**
 * Runs the benchmark job in the runtime, scores it, signs the report; its containers are removed afterwards.
 * A failed op or a wrong digest throws `NODE__BENCHMARK_FAILED`.
 *
 * @example
 * ```ts
 * const { signed } = await runBenchmark({ runtime, keypair: wallet, specs });
 * await saveBenchmark({ dir: stateDir, signed });
 * ```
 */
export async function runBenchmark(parameters: RunBenchmarkParameters): Promise<RunBenchmarkResult> {
  const { runtime, keypair, specs } = parameters;
  const sizeMiB = parameters.sizeMiB ?? DEFAULT_BENCHMARK_MIB;
  const image = parameters.image ?? CPU_BENCHMARK_IMAGE;
  const gpuImage = parameters.gpuImage ?? GPU_BENCHMARK_IMAGE;
  const gpu = parameters.gpu ?? specs.gpus.length > 0;
  const now = parameters.now ?? (() => new Date());
  const jobId = `benchmark-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const node = keypair.publicKey.toBase58();
  try {
    const flow = await runtime.runFlow({
      jobId,
      definition: benchmarkDefinition({ sizeMiB, image, gpu, gpuImage }),
      globals: { job: jobId, host: node, project: node, frps_address: '' },
      deadline: Date.now() + (parameters.timeoutMs ?? 10 * 60_000),
      ...(parameters.signal ? { signal: parameters.signal } : {}),
      ...(parameters.onEvent ? { onEvent: parameters.onEvent } : {}),
    });
    const report = scoreBenchmark({ flow, node, specs, sizeMiB, image, gpuImage, now: now() });
    return { signed: signBenchmark(report, keypair), flow };
  } finally {
    await runtime.reap(jobId).catch(() => undefined);
  }
}

/**
 * Writes a signed report to `<dir>/benchmark.json` (atomically: a temporary file renamed over it).
 *
 * @example
 * ```ts
 * const path = await saveBenchmark({ dir: stateDir, signed });
 * ```
 */
export async function saveBenchmark({
  dir,
  signed,
}: {
  dir: string;
  signed: SignedBenchmark;
}): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, BENCHMARK_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(signed, null, 2)}\n`, { mode: 0o644 });
  await rename(temporary, path);
  return path;
}

/**
 * Reads and verifies `<dir>/benchmark.json`: null when there is none; `NODE__BENCHMARK_INVALID` when it is
 * malformed or its signature does not verify.
 *
 * @example
 * ```ts
 * const last = await loadBenchmark({ dir: stateDir }); // SignedBenchmark | null
 * ```
 */
export async function loadBenchmark({ dir }: { dir: string }): Promise<SignedBenchmark | null> {
  const path = join(dir, BENCHMARK_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = null;
  }
  return verifyBenchmark(value, path);
}
