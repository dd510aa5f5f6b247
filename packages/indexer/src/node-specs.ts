/**
 * What a node publishes about its hardware on its API (`GET /node/info`: `specs` from `nosana node specs`, the last
 * signed `benchmark`), reduced to a bounded, typed view. The answer comes from the node itself (hosts are not
 * trusted): every field is type-checked, strings are cut, lists are capped, anything else is dropped, and the view
 * says it is self-reported.
 */

/** A GPU as the node reports it. */
export interface NodeGpuView {
  name: string;
  memoryMiB: number | null;
  driverVersion: string | null;
  computeCapability: string | null;
  /** The PCIe link at most, e.g. `Gen4 x16`, or null. */
  pcie: string | null;
}

/** A node's self-reported hardware. */
export interface NodeSpecsView {
  /** The node software's version. */
  version: string | null;
  /** When the node collected its specs (ISO time), or null. */
  collectedAt: string | null;
  os: { platform: string; release: string; arch: string } | null;
  cpu: { model: string; threads: number } | null;
  memoryBytes: number | null;
  disk: { totalBytes: number; freeBytes: number } | null;
  gpus: NodeGpuView[];
  /** Why the node lists no GPU, or null. */
  gpuNote: string | null;
  cudaVersion: string | null;
  /** The container engine, e.g. `docker 27.3.1`, or null. */
  engine: string | null;
  network: { downloadMbps: number; uploadMbps: number; latencyMs: number } | null;
  /** The node's last benchmark (scores in MiB/s of SHA-256, TFLOPS), or null. */
  benchmark: {
    createdAt: string | null;
    cpuSingleMiBps: number | null;
    cpuMultiMiBps: number | null;
    cpuWorkers: number | null;
    gpuTflops: number | null;
    /** The key that signed it is the node's (the signature itself is not checked here). */
    signedByNode: boolean;
  } | null;
}

/** Most GPUs kept from an answer. */
const MAX_GPUS = 16;

type Loose = Record<string, unknown>;
const object = (v: unknown): Loose | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : null;
/** A non-empty string without control characters, cut to `max`; null otherwise. */
const text = (v: unknown, max = 120): string | null => {
  if (typeof v !== 'string' || v.length === 0) return null;
  let out = '';
  for (const c of v.slice(0, max)) out += c < ' ' || c === '\u007f' ? ' ' : c;
  return out;
};
const number = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : null;

function gpu(value: unknown): NodeGpuView | null {
  const g = object(value);
  const name = text(g?.name);
  if (!g || !name) return null;
  const pcie = object(g.pcie);
  const gen = number(pcie?.genMax);
  const width = number(pcie?.widthMax);
  return {
    name,
    memoryMiB: number(g.memoryMiB),
    driverVersion: text(g.driverVersion, 40),
    computeCapability: text(g.computeCapability, 10),
    pcie: gen !== null && width !== null ? `Gen${gen} x${width}` : null,
  };
}

function benchmark(value: unknown, node: string): NodeSpecsView['benchmark'] {
  const signed = object(value);
  const report = object(signed?.report);
  if (!signed || !report) return null;
  const cpu = object(report.cpu);
  const multi = object(cpu?.multiCore);
  return {
    createdAt: text(report.createdAt, 40),
    cpuSingleMiBps: number(object(cpu?.singleCore)?.mibPerSecond),
    cpuMultiMiBps: number(multi?.mibPerSecond),
    cpuWorkers: number(multi?.workers),
    gpuTflops: number(object(report.gpu)?.tflops),
    signedByNode: signed.signer === node && report.node === node && typeof signed.signature === 'string',
  };
}

/**
 * Reduces a node's `/node/info` answer to its hardware view; null when it is not an object.
 *
 * @example
 * ```ts
 * const view = nodeSpecsView(await response.json(), node);
 * view?.cpu; // { model: 'AMD EPYC 7B13', threads: 2 }
 * ```
 */
export function nodeSpecsView(info: unknown, node: string): NodeSpecsView | null {
  const root = object(info);
  if (!root) return null;
  const specs = object(root.specs);
  const os = object(specs?.os);
  const cpu = object(specs?.cpu);
  const disk = object(specs?.disk);
  const engine = object(specs?.engine);
  const network = object(specs?.network);
  const cpuModel = text(cpu?.model);
  const threads = number(cpu?.threads);
  const total = number(disk?.totalBytes);
  const free = number(disk?.freeBytes);
  const down = number(network?.downloadMbps);
  const up = number(network?.uploadMbps);
  const latency = number(network?.latencyMs);
  const engineKind = text(engine?.kind, 20);
  const engineVersion = text(engine?.version, 40);
  return {
    version: text(root.version, 40),
    collectedAt: text(specs?.collectedAt, 40),
    os:
      os && text(os.platform)
        ? {
            platform: text(os.platform, 20)!,
            release: text(os.release, 60) ?? '',
            arch: text(os.arch, 20) ?? '',
          }
        : null,
    cpu: cpuModel && threads !== null ? { model: cpuModel, threads } : null,
    memoryBytes: number(object(specs?.memory)?.totalBytes),
    disk: total !== null && free !== null ? { totalBytes: total, freeBytes: free } : null,
    gpus: (Array.isArray(specs?.gpus) ? specs.gpus.slice(0, MAX_GPUS) : [])
      .map(gpu)
      .filter((g): g is NodeGpuView => g !== null),
    gpuNote: text(specs?.gpuNote, 200),
    cudaVersion: text(specs?.cudaVersion, 20),
    engine: engineKind && engineVersion ? `${engineKind} ${engineVersion}` : null,
    network:
      down !== null && up !== null && latency !== null
        ? { downloadMbps: down, uploadMbps: up, latencyMs: latency }
        : null,
    benchmark: benchmark(root.benchmark, node),
  };
}
