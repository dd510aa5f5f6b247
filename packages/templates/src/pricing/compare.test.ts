import { isNosanaError } from '@nosana/core';
import { describe, expect, it } from 'vitest';
import { CLOUD_GPU_PRICES, normalizeGpuModel } from './cloud-prices.js';
import { compareWithCloud } from './compare.js';

describe('the cloud price table', () => {
  it('is dated, names its source, and has positive per-GPU prices', () => {
    expect(CLOUD_GPU_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(CLOUD_GPU_PRICES.source).toContain('aws.amazon.com');
    for (const offers of Object.values(CLOUD_GPU_PRICES.gpus))
      for (const offer of offers) expect(offer.usdPerGpuHour).toBeGreaterThan(0);
  });

  it.each([
    ['NVIDIA H100 80GB HBM3', 'h100'],
    ['NVIDIA A100-SXM4-80GB', 'a100'],
    ['A100', 'a100'],
    ['NVIDIA GeForce RTX 4090', 'rtx4090'],
    ['NVIDIA L4', 'l4'],
  ])('normalizes %s to %s', (model, key) => {
    expect(normalizeGpuModel(model)).toBe(key);
  });
});

describe('compareWithCloud', () => {
  it('prices a market per hour, per month, per job, and against the cheapest cloud offer', () => {
    // 0.000115 NOS/s (a documented real market), 2 h timeout, NOS at $0.50, A100 hosts.
    const result = compareWithCloud({ pricePerSecond: 115n, timeoutSeconds: 7200, nosUsd: 0.5, gpu: 'A100' });
    expect(result).toMatchObject({
      nosPerHour: 0.414,
      usdPerHour: 0.207,
      usdPerMonth: 151.11,
      maxJobNos: 0.828,
      maxJobUsd: 0.414,
      savingPercent: 94.4,
    });
    expect(result.cloud).toMatchObject({
      provider: 'Google Cloud',
      usdPerGpuHour: 3.67,
      usdPerMonth: 2679.1,
      model: 'a100',
      maxJobUsd: 7.34,
    });
    expect(result.cloud?.asOf).toBe(CLOUD_GPU_PRICES.asOf);
  });

  it('reports a negative saving when the market is dearer than the cloud', () => {
    const result = compareWithCloud({ pricePerSecond: 1000n, timeoutSeconds: 3600, nosUsd: 1, gpu: 'T4' });
    expect(result.usdPerHour).toBe(3.6);
    expect(result.savingPercent).toBeLessThan(0);
  });

  it('has no cloud equivalent for CPU markets and consumer GPUs', () => {
    for (const gpu of [undefined, 'NVIDIA GeForce RTX 3060 Laptop GPU']) {
      const result = compareWithCloud({
        pricePerSecond: 50n,
        timeoutSeconds: 600,
        nosUsd: 0.5,
        ...(gpu ? { gpu } : {}),
      });
      expect(result.cloud).toBeNull();
      expect(result.savingPercent).toBeNull();
      expect(result.maxJobNos).toBe(0.03);
    }
  });

  it('refuses a NOS price that is not a positive number', () => {
    for (const nosUsd of [0, -1, Number.NaN]) {
      let error: unknown;
      try {
        compareWithCloud({ pricePerSecond: 1n, timeoutSeconds: 1, nosUsd });
      } catch (e) {
        error = e;
      }
      expect(isNosanaError(error, 'TEMPLATES__INVALID_PARAMETER')).toBe(true);
    }
  });

  it('without a model, compares with the cheapest GPU that has the memory the job needs', () => {
    const compare = (minVramGb: number) =>
      compareWithCloud({ pricePerSecond: 300n, timeoutSeconds: 3600, nosUsd: 0.5, minVramGb }).cloud;
    expect(compare(0)).toMatchObject({ model: 't4', usdPerGpuHour: 0.53, maxJobUsd: 0.53 });
    expect(compare(20)).toMatchObject({ model: 'l4', provider: 'Google Cloud', usdPerGpuHour: 0.71 });
    expect(compare(48)).toMatchObject({ model: 'a100', provider: 'Azure', gpuMemoryGb: 80 });
    expect(compare(200)).toBeNull();
  });
});
