import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCudaVersion } from '@nosana/runtime';
import { describe, expect, it } from 'vitest';
import { describePcie, GPU_QUERY_ARGS, parseGpuQuery } from './nvidia-smi.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseGpuQuery (nvidia-smi --query-gpu … --format=csv)', () => {
  it.each([
    ['rtx3060-laptop.csv', 'NVIDIA GeForce RTX 3060 Laptop GPU', 6144, '8.6', 'PCIe 4.0 x16 (now 1.0 x8)'],
    ['rtx4090.csv', 'NVIDIA GeForce RTX 4090', 24564, '8.9', 'PCIe 4.0 x16'],
    ['a6000x2.csv', 'NVIDIA RTX A6000', 49140, '8.6', 'PCIe 4.0 x16'],
    ['a100-80gb.csv', 'NVIDIA A100-SXM4-80GB', 81920, '8.0', 'PCIe 4.0 x16'],
    ['h100.csv', 'NVIDIA H100 80GB HBM3', 81559, '9.0', 'PCIe 5.0 x16'],
    ['h200.csv', 'NVIDIA H200', 143771, '9.0', 'PCIe 5.0 x16'],
  ])('%s: model, VRAM, compute capability, PCIe link', (file, name, memoryMiB, cc, pcie) => {
    const [gpu] = parseGpuQuery(fixture(file));
    expect(gpu).toMatchObject({ index: 0, name, memoryMiB, computeCapability: cc });
    expect(gpu?.uuid).toMatch(/^GPU-[0-9a-f-]{36}$/);
    expect(gpu?.driverVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(describePcie(gpu!.pcie)).toBe(pcie);
  });

  it('reads every GPU of a multi-GPU host', () => {
    expect(parseGpuQuery(fixture('a6000x2.csv')).map((g) => g.index)).toEqual([0, 1]);
  });

  it('reads columns by the header, so a driver without compute_cap or PCIe fields gives nulls', () => {
    const [gpu] = parseGpuQuery(
      'index, uuid, name, memory.total [MiB], driver_version\n0, GPU-abc, Tesla T4, 15360 MiB, 470.57.02\n',
    );
    expect(gpu).toMatchObject({ name: 'Tesla T4', memoryMiB: 15360, computeCapability: null });
    expect(describePcie(gpu!.pcie)).toBe('PCIe link unknown');
  });

  it('turns [N/A] and [Not Supported] into null, and reads header-less output in the query order', () => {
    const [gpu] = parseGpuQuery('0, NVIDIA L4, GPU-def, [N/A], 550.54.15, [Not Supported], [N/A], 4, 16, 16');
    expect(gpu).toMatchObject({ name: 'NVIDIA L4', memoryMiB: null, computeCapability: null });
    expect(gpu?.pcie).toEqual({ genCurrent: null, genMax: 4, widthCurrent: 16, widthMax: 16 });
  });

  it('asks nvidia-smi for CSV with header and units', () => {
    expect(GPU_QUERY_ARGS[1]).toBe('--format=csv');
    expect(GPU_QUERY_ARGS[0]).toContain('pcie.link.gen.max');
  });

  it('reads the CUDA version from the banner', () => {
    expect(parseCudaVersion(fixture('h100.banner.txt'))).toBe('12.4');
  });
});
