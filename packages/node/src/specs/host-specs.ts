/**
 * The host's specs, as `nosana node specs` shows them and the node API publishes them: CPU, memory, disk, GPUs
 * (from `nvidia-smi`), the container engine and, when the operator names an endpoint, the network's speed. Every
 * effect goes through the injected {@link HostProbe}; {@link systemProbe} is the real one.
 */
import * as os from 'node:os';
import { dirname } from 'node:path';
import type { ContainerEngine, EngineInfo } from '@nosana/runtime';
import { NVIDIA_SMI_QUERY, parseCudaVersion } from '@nosana/runtime';
import { type MeasureNetworkParameters, measureNetwork, type NetworkSpeed } from './network-speed.js';
import { GPU_QUERY_ARGS, type GpuDetails, parseGpuQuery } from './nvidia-smi.js';

/** The host's specs. */
export interface HostSpecs {
  /** ISO time of collection. */
  collectedAt: string;
  os: { platform: string; release: string; arch: string };
  cpu: { model: string; threads: number };
  memory: { totalBytes: number };
  /** The disk holding the node's state (images and volumes live on the engine's disk). */
  disk: { path: string; totalBytes: number; freeBytes: number } | null;
  gpus: GpuDetails[];
  /** Why no GPU is listed (no nvidia-smi, no driver, turned off), or null. */
  gpuNote: string | null;
  /** The CUDA version the driver supports (nvidia-smi's banner), or null. */
  cudaVersion: string | null;
  engine: EngineInfo | null;
  /** Why no engine is listed, or null. */
  engineNote: string | null;
  /** Measured only against an endpoint the operator gives; null otherwise. */
  network: NetworkSpeed | null;
}

/** The effects {@link collectHostSpecs} needs: commands, OS facts, the file system, the clock. */
export interface HostProbe {
  /** Runs a command and resolves with its standard output; rejects like `execFile` (`code: 'ENOENT'`, `stderr`). */
  exec(command: string, args: string[]): Promise<string>;
  cpus(): Array<{ model: string }>;
  totalmem(): number;
  platform(): string;
  release(): string;
  arch(): string;
  statfs(path: string): Promise<{ bavail: number; bsize: number; blocks: number }>;
  now(): Date;
}

/** Parameters of {@link collectHostSpecs}. */
export interface CollectHostSpecsParameters {
  probe: HostProbe;
  /** The container engine to ask for its version; omitted or failing: `engine` is null with the reason. */
  engine?: Pick<ContainerEngine, 'info'> | undefined;
  /** Why there is no engine (e.g. the connection error), shown when `engine` is omitted. */
  engineNote?: string;
  /** Whose disk to report. Default `/`. */
  diskPath?: string;
  /** The nvidia-smi executable. Default `nvidia-smi`. */
  nvidiaSmi?: string;
  /** `none` skips GPU detection. Default `all`. */
  gpus?: 'all' | 'none';
  /** Measure the network against this endpoint (GET to download, POST to upload). Default: not measured. */
  speedTest?: Omit<MeasureNetworkParameters, 'now'> & { now?: () => number };
}

/**
 * Collects the host's specs. Nothing fails the collection except a speed test that was asked for: a missing
 * `nvidia-smi`, a driver that does not answer or an engine that is down are reported in `gpuNote` / `engineNote`.
 *
 * @example
 * ```ts
 * const specs = await collectHostSpecs({ probe: systemProbe(), engine, diskPath: '/var/lib/nosana' });
 * specs.gpus[0]?.name; // 'NVIDIA GeForce RTX 4090'
 * ```
 */
export async function collectHostSpecs(parameters: CollectHostSpecsParameters): Promise<HostSpecs> {
  const { probe, diskPath = '/', nvidiaSmi = 'nvidia-smi' } = parameters;
  const cpus = probe.cpus();
  const gpu =
    parameters.gpus === 'none'
      ? { gpus: [], note: 'GPUs turned off (--gpu none)', cuda: null }
      : await detectGpuDetails(probe, nvidiaSmi);
  let engine: EngineInfo | null = null;
  let engineNote: string | null = parameters.engine ? null : (parameters.engineNote ?? 'no engine given');
  if (parameters.engine) {
    engine = await parameters.engine.info().catch((error: Error) => {
      engineNote = error.message;
      return null;
    });
  }
  const disk = await diskOf(probe, diskPath);
  const network = parameters.speedTest ? await measureNetwork(parameters.speedTest) : null;
  return {
    collectedAt: probe.now().toISOString(),
    os: { platform: probe.platform(), release: probe.release(), arch: probe.arch() },
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', threads: cpus.length },
    memory: { totalBytes: probe.totalmem() },
    disk,
    gpus: gpu.gpus,
    gpuNote: gpu.note,
    cudaVersion: gpu.cuda,
    engine,
    engineNote,
    network,
  };
}

/** The disk of `path`, or of its closest existing parent (a state directory not created yet). */
async function diskOf(probe: HostProbe, path: string): Promise<HostSpecs['disk']> {
  for (let at = path; ; at = dirname(at)) {
    const found = await probe.statfs(at).catch(() => null);
    if (found) return { path, totalBytes: found.blocks * found.bsize, freeBytes: found.bavail * found.bsize };
    if (dirname(at) === at) return null;
  }
}

async function detectGpuDetails(
  probe: HostProbe,
  command: string,
): Promise<{ gpus: GpuDetails[]; note: string | null; cuda: string | null }> {
  let csv: string;
  try {
    csv = await probe.exec(command, GPU_QUERY_ARGS);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT')
      return { gpus: [], note: `${command} not found: no NVIDIA driver is installed`, cuda: null };
    // An older driver refuses a field it does not know (compute_cap): the basic query, in GPU_QUERY_FIELDS order.
    const basic = await probe.exec(command, NVIDIA_SMI_QUERY).catch(() => null);
    if (basic === null) {
      const detail = (failure.stderr || failure.message || String(error)).trim().split('\n')[0] ?? '';
      return { gpus: [], note: `${command} failed: ${detail}`, cuda: null };
    }
    csv = basic;
  }
  const gpus = parseGpuQuery(csv);
  const banner = await probe.exec(command, []).catch(() => '');
  return {
    gpus,
    note: gpus.length === 0 ? `${command} reports no GPU` : null,
    cuda: parseCudaVersion(banner),
  };
}

/**
 * The real {@link HostProbe}: `node:os`, `statfs`, `execFile` with a 10 s timeout.
 *
 * @example
 * ```ts
 * await collectHostSpecs({ probe: systemProbe() });
 * ```
 */
export function systemProbe(): HostProbe {
  return {
    async exec(command, args) {
      const { execFile } = await import('node:child_process');
      return new Promise<string>((resolve, reject) => {
        execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) =>
          error ? reject(Object.assign(error, { stderr })) : resolve(stdout),
        );
      });
    },
    cpus: () => os.cpus(),
    totalmem: () => os.totalmem(),
    platform: () => os.platform(),
    release: () => os.release(),
    arch: () => os.arch(),
    async statfs(path) {
      const { statfs } = await import('node:fs/promises');
      return statfs(path);
    },
    now: () => new Date(),
  };
}
