/**
 * A node's hardware as the node publishes it on its API (CPU, memory, disk, GPUs, engine, network, benchmark),
 * learned and cached by the indexer. Self-reported: the page says so.
 */
import type { ExplorerNodeSpecs } from '../../api-types.js';
import { ApiFailure, type Resource } from '../api.js';
import { formatBytes } from '../format.js';
import { Facts } from './ui.js';

type Specs = NonNullable<ExplorerNodeSpecs['specs']>;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The facts of a specs view (label, value), leaving out what the node did not report. */
function facts(s: Specs): Array<[string, string]> {
  const rows: Array<[string, string | null]> = [
    ['CPU', s.cpu ? `${s.cpu.model} · ${s.cpu.threads} threads` : null],
    ['Memory', s.memoryBytes === null ? null : formatBytes(s.memoryBytes)],
    ['Disk', s.disk ? `${formatBytes(s.disk.freeBytes)} free of ${formatBytes(s.disk.totalBytes)}` : null],
    [
      'GPUs',
      s.gpus.length === 0
        ? `none${s.gpuNote ? ` (${s.gpuNote})` : ''}`
        : s.gpus
            .map((g) =>
              [
                g.name,
                g.memoryMiB === null ? null : `${formatBytes(g.memoryMiB * 1024 ** 2)} VRAM`,
                g.driverVersion && `driver ${g.driverVersion}`,
                g.computeCapability && `compute ${g.computeCapability}`,
                g.pcie && `PCIe ${g.pcie}`,
              ]
                .filter(Boolean)
                .join(', '),
            )
            .join(' · '),
    ],
    ['CUDA', s.cudaVersion],
    ['Container engine', s.engine],
    ['OS', s.os ? `${s.os.platform} ${s.os.release} (${s.os.arch})` : null],
    [
      'Network',
      s.network
        ? `↓ ${round(s.network.downloadMbps)} Mbit/s · ↑ ${round(s.network.uploadMbps)} Mbit/s · ${round(s.network.latencyMs, 0)} ms`
        : null,
    ],
    [
      'Benchmark',
      s.benchmark
        ? [
            s.benchmark.cpuSingleMiBps === null
              ? null
              : `CPU ${round(s.benchmark.cpuSingleMiBps)} MiB/s single core`,
            s.benchmark.cpuMultiMiBps === null
              ? null
              : `${round(s.benchmark.cpuMultiMiBps)} MiB/s on ${s.benchmark.cpuWorkers ?? '?'} cores`,
            s.benchmark.gpuTflops === null ? null : `GPU ${round(s.benchmark.gpuTflops)} TFLOPS`,
            s.benchmark.signedByNode ? 'signed by the node key' : 'not signed by this node',
          ]
            .filter(Boolean)
            .join(' · ')
        : null,
    ],
    ['Node software', s.version],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null);
}

/** The hardware section's content: the specs, or why there are none. */
export function Hardware({ resource }: { resource: Resource<ExplorerNodeSpecs> }) {
  const { data, error } = resource;
  if (error instanceof ApiFailure && error.code === 'NO_NODE_API')
    return (
      <p class="muted">This indexer does not know where nodes’ APIs are (it runs without --node-api).</p>
    );
  if (error)
    return (
      <p class="error" role="alert">
        Cannot load the node’s hardware: {error.message}
      </p>
    );
  if (!data)
    return (
      <p class="muted" aria-busy="true">
        Asking the node for its hardware…
      </p>
    );
  if (!data.specs)
    return (
      <p class="muted" data-testid="specs-missing">
        The node has not published its hardware{data.error ? `: ${data.error}` : '.'}
      </p>
    );
  return (
    <div data-testid="specs">
      <Facts items={facts(data.specs)} />
      <p class="muted">
        As the node reports it on its API
        {data.fetchedAt
          ? `, asked ${new Date(data.fetchedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`
          : ''}
        {data.error ? ` (its last answer failed: ${data.error})` : ''}.
      </p>
    </div>
  );
}
