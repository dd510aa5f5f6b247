import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNosanaError } from '@nosana/core';
import { afterAll, describe, expect, it } from 'vitest';
import { detectGpus, parseCudaVersion, parseNvidiaSmiCsv } from './detect.js';

const H100 = '0, NVIDIA H100 80GB HBM3, GPU-6f9c1a4e-0d3b-4f5e-9d2a-1b2c3d4e5f60, 81559, 550.54.15';
const RTX = '1, NVIDIA GeForce RTX 4090, GPU-11111111-2222-3333-4444-555555555555, 24564, 550.54.15';
const BANNER = '| NVIDIA-SMI 550.54.15              Driver Version: 550.54.15      CUDA Version: 12.4     |';

describe('nvidia-smi parsing', () => {
  it('parses one or several GPUs, with or without a header and units', () => {
    expect(parseNvidiaSmiCsv(`${H100}\n`)).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-6f9c1a4e-0d3b-4f5e-9d2a-1b2c3d4e5f60',
        memoryMiB: 81559,
        driverVersion: '550.54.15',
      },
    ]);
    const withHeader = `index, name, uuid, memory.total [MiB], driver_version\n${H100.replace('81559', '81559 MiB')}\n${RTX}`;
    expect(parseNvidiaSmiCsv(withHeader).map((g) => [g.index, g.memoryMiB])).toEqual([
      [0, 81559],
      [1, 24564],
    ]);
  });

  it('keeps GPUs whose memory or driver is [N/A], and ignores blank lines', () => {
    expect(parseNvidiaSmiCsv('\n0, Tesla T4, GPU-abc, [N/A], [N/A]\n\n')).toEqual([
      { index: 0, name: 'Tesla T4', uuid: 'GPU-abc', memoryMiB: null, driverVersion: '' },
    ]);
  });

  it('reads the CUDA version from the banner', () => {
    expect(parseCudaVersion(BANNER)).toBe('12.4');
    expect(parseCudaVersion('no banner')).toBeNull();
  });
});

describe('detectGpus with a fake nvidia-smi', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-nvidia-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fake = (name: string, script: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  it('lists GPUs and the CUDA version', async () => {
    const command = fake(
      'two-gpus',
      `if [ "$1" = "" ]; then echo '${BANNER}'; else printf '%s\\n%s\\n' '${H100}' '${RTX}'; fi`,
    );
    const result = await detectGpus({ command });
    expect(result.gpus.map((g) => g.name)).toEqual(['NVIDIA H100 80GB HBM3', 'NVIDIA GeForce RTX 4090']);
    expect(result.cudaVersion).toBe('12.4');
  });

  it('reports no GPU (with the reason) when nvidia-smi is missing or the driver does not answer', async () => {
    expect(await detectGpus({ command: join(dir, 'does-not-exist') })).toMatchObject({
      gpus: [],
      reason: expect.stringContaining('not found'),
    });
    const broken = fake(
      'no-driver',
      `echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." >&2; exit 9`,
    );
    expect(await detectGpus({ command: broken })).toMatchObject({
      gpus: [],
      reason: expect.stringContaining('has failed'),
    });
  });

  it('fails with RUNTIME__GPU_DETECTION_FAILED for other errors', async () => {
    const odd = fake('odd', 'echo "segmentation fault" >&2; exit 139');
    await expect(detectGpus({ command: odd })).rejects.toSatisfy((e: unknown) =>
      isNosanaError(e, 'RUNTIME__GPU_DETECTION_FAILED'),
    );
  });
});
