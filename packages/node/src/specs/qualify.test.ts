import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGpuQuery } from './nvidia-smi.js';
import { type MarketGpuRequirement, qualifyMarkets } from './qualify.js';

const fixture = (name: string) =>
  parseGpuQuery(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));

// GPU markets shaped like the real ones: one GPU model per market, some with a VRAM floor.
const markets: MarketGpuRequirement[] = [
  { market: 'nvidia-3060', gpuModels: ['RTX 3060'] },
  { market: 'nvidia-4090', gpuModels: ['RTX 4090'], minVramGb: 23 },
  { market: 'nvidia-a6000-x2', gpuModels: ['RTX A6000'], minGpus: 2 },
  { market: 'nvidia-a100-80gb', gpuModels: ['A100'], minVramGb: 79 },
  { market: 'nvidia-h100', gpuModels: ['H100', 'H200'], minVramGb: 79 },
  { market: 'any-24gb', minVramGb: 23 },
];

const qualified = (file: string) =>
  qualifyMarkets({ gpus: fixture(file), markets })
    .filter((v) => v.qualified)
    .map((v) => v.market);

describe('qualifyMarkets (nvidia-smi fixtures)', () => {
  it.each([
    ['rtx3060-laptop.csv', ['nvidia-3060']],
    ['rtx4090.csv', ['nvidia-4090', 'any-24gb']],
    ['a6000x2.csv', ['nvidia-a6000-x2', 'any-24gb']],
    ['a100-80gb.csv', ['nvidia-a100-80gb', 'any-24gb']],
    ['h100.csv', ['nvidia-h100', 'any-24gb']],
    ['h200.csv', ['nvidia-h100', 'any-24gb']],
  ])('%s qualifies for %j', (file, expected) => {
    expect(qualified(file)).toEqual(expected);
  });

  it('says why a market refuses a host: model, VRAM, count', () => {
    const laptop = qualifyMarkets({ gpus: fixture('rtx3060-laptop.csv'), markets });
    expect(laptop.find((v) => v.market === 'nvidia-4090')?.reasons).toEqual([
      'GPU model: needs RTX 4090, host has NVIDIA GeForce RTX 3060 Laptop GPU',
    ]);
    expect(laptop.find((v) => v.market === 'any-24gb')?.reasons).toEqual([
      'VRAM: needs 23 GB per GPU, host has 6.0 GB',
    ]);
    const [a6000] = qualifyMarkets({
      gpus: fixture('a6000x2.csv').slice(0, 1),
      markets: [{ market: 'nvidia-a6000-x2', gpuModels: ['RTX A6000'], minGpus: 2 }],
    });
    expect(a6000).toMatchObject({
      qualified: false,
      reasons: ['GPU count: needs 2, host has 1 that qualify'],
    });
    const [none] = qualifyMarkets({
      gpus: [],
      markets: [{ market: 'nvidia-3060', gpuModels: ['RTX 3060'] }],
    });
    expect(none?.reasons).toEqual(['no NVIDIA GPU found (nvidia-smi reports none)']);
  });

  it('does not mistake an A6000 for a 6000 Ada, or an A100 for an A10', () => {
    const [a10] = qualifyMarkets({
      gpus: fixture('a100-80gb.csv'),
      markets: [{ market: 'a10', gpuModels: ['A10'] }],
    });
    expect(a10?.qualified).toBe(false);
  });

  it('admits every host, with or without GPUs, to a market that needs none (minGpus 0)', () => {
    for (const gpus of [[], fixture('h100.csv')])
      expect(qualifyMarkets({ gpus, markets: [{ market: 'cpu', minGpus: 0 }] })[0]).toMatchObject({
        qualified: true,
        reasons: [],
      });
  });
});
