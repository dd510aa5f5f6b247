import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectHostSpecs, type HostProbe } from './host-specs.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

/** A host whose nvidia-smi answers with `gpu` (a fixture) or fails as `failure` says. */
function probe(nvidia: {
  csv?: string;
  banner?: string;
  failure?: Partial<NodeJS.ErrnoException & { stderr: string }>;
}) {
  const calls: Array<[string, string[]]> = [];
  const host: HostProbe = {
    async exec(command, args) {
      calls.push([command, args]);
      if (nvidia.failure) throw Object.assign(new Error('exec failed'), nvidia.failure);
      return args.length === 0 ? (nvidia.banner ?? '') : (nvidia.csv ?? '');
    },
    cpus: () => Array.from({ length: 16 }, () => ({ model: 'AMD Ryzen 9 7950X 16-Core Processor ' })),
    totalmem: () => 64 * 1024 ** 3,
    platform: () => 'linux',
    release: () => '6.8.0-49-generic',
    arch: () => 'x64',
    statfs: async () => ({ bavail: 100, bsize: 1024 ** 3, blocks: 2000 }),
    now: () => new Date('2026-12-03T21:00:00Z'),
  };
  return { host, calls };
}

const engine = { info: async () => ({ kind: 'docker' as const, version: '27.5.1', apiVersion: '1.47' }) };

describe('collectHostSpecs', () => {
  it('reports CPU, memory, disk, GPUs with CUDA, and the engine', async () => {
    const { host, calls } = probe({ csv: fixture('h100.csv'), banner: fixture('h100.banner.txt') });
    const specs = await collectHostSpecs({ probe: host, engine, diskPath: '/var/lib/nosana' });
    expect(specs).toMatchObject({
      collectedAt: '2026-12-03T21:00:00.000Z',
      os: { platform: 'linux', release: '6.8.0-49-generic', arch: 'x64' },
      cpu: { model: 'AMD Ryzen 9 7950X 16-Core Processor', threads: 16 },
      memory: { totalBytes: 64 * 1024 ** 3 },
      disk: { path: '/var/lib/nosana', totalBytes: 2000 * 1024 ** 3, freeBytes: 100 * 1024 ** 3 },
      cudaVersion: '12.4',
      gpuNote: null,
      engine: { kind: 'docker', version: '27.5.1' },
      engineNote: null,
      network: null,
    });
    expect(specs.gpus.map((g) => g.name)).toEqual(['NVIDIA H100 80GB HBM3']);
    expect(calls[0]?.[1]).toContain('--format=csv');
  });

  it('says why there is no GPU: no nvidia-smi, a driver that does not answer, GPUs turned off', async () => {
    const missing = await collectHostSpecs({ probe: probe({ failure: { code: 'ENOENT' } }).host, engine });
    expect(missing).toMatchObject({
      gpus: [],
      gpuNote: 'nvidia-smi not found: no NVIDIA driver is installed',
    });
    const broken = await collectHostSpecs({
      probe: probe({
        failure: {
          code: '9' as never,
          stderr: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n",
        },
      }).host,
      engine,
    });
    expect(broken.gpuNote).toContain("couldn't communicate with the NVIDIA driver");
    const { host, calls } = probe({ csv: fixture('rtx4090.csv') });
    const off = await collectHostSpecs({ probe: host, engine, gpus: 'none' });
    expect(off).toMatchObject({ gpus: [], gpuNote: 'GPUs turned off (--gpu none)' });
    expect(calls).toEqual([]);
  });

  it('reports the disk of the closest existing parent of a state directory not created yet', async () => {
    const { host } = probe({ csv: '' });
    const seen: string[] = [];
    host.statfs = async (path) => {
      seen.push(path);
      if (path !== '/var') throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return { bavail: 1, bsize: 4096, blocks: 2 };
    };
    const specs = await collectHostSpecs({ probe: host, diskPath: '/var/lib/nosana/node' });
    expect(specs.disk).toEqual({ path: '/var/lib/nosana/node', totalBytes: 8192, freeBytes: 4096 });
    expect(seen).toEqual(['/var/lib/nosana/node', '/var/lib/nosana', '/var/lib', '/var']);
  });

  it('falls back to the basic query when the driver refuses a field (an older driver)', async () => {
    const { host } = probe({});
    host.exec = async (_command, args) => {
      if (args.some((a) => a.includes('compute_cap')))
        throw Object.assign(new Error('exit 2'), {
          code: 2,
          stderr: 'Field "compute_cap" is not a valid field to query.',
        });
      return args.length === 0 ? '' : '0, Tesla T4, GPU-abc, 15360, 470.57.02\n';
    };
    const specs = await collectHostSpecs({ probe: host });
    expect(specs.gpus).toMatchObject([
      { name: 'Tesla T4', memoryMiB: 15360, driverVersion: '470.57.02', computeCapability: null },
    ]);
  });

  it('reports an engine that does not answer instead of failing', async () => {
    const down = { info: async () => Promise.reject(new Error('no docker engine answers')) };
    const specs = await collectHostSpecs({ probe: probe({ csv: '' }).host, engine: down });
    expect(specs).toMatchObject({
      engine: null,
      engineNote: 'no docker engine answers',
      gpuNote: 'nvidia-smi reports no GPU',
    });
  });
});
