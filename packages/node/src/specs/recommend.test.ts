import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGpuQuery } from './nvidia-smi.js';
import { type MarketCandidate, recommendMarkets } from './recommend.js';

const gpusOf = (name: string) =>
  parseGpuQuery(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8'));
const market = (address: string, price: bigint, extra: Partial<MarketCandidate> = {}): MarketCandidate => ({
  address,
  pricePerSecond: price,
  gpu: false,
  gated: false,
  xnosMinimum: 0n,
  ...extra,
});
const markets = [
  market('cpu', 100n, { name: 'cpu' }),
  market('gpu', 300n, { name: 'gpu', gpu: true }),
  market('h100', 2000n, { gpu: true, requirement: { gpuModels: ['H100'], minVramGb: 79 } }),
  market('gated-4090', 900n, { gpu: true, gated: true, requirement: { gpuModels: ['RTX 4090'] } }),
  market('staked', 500n, { xnosMinimum: 10_000_000n }),
];

describe('recommendMarkets', () => {
  it('a host without GPU: the CPU markets, best-paying first; GPU markets refused with the reason', () => {
    const result = recommendMarkets({ gpus: [], markets, xnos: 0n });
    expect(result.best).toBe('cpu');
    expect(result.markets.map((m) => [m.address, m.qualified])).toEqual([
      ['cpu', true],
      ['h100', false],
      ['gated-4090', false],
      ['staked', false],
      ['gpu', false],
    ]);
    expect(result.markets.find((m) => m.address === 'staked')?.reasons).toEqual([
      'stake: needs 10 xNOS, the node has 0',
    ]);
    expect(result.markets.find((m) => m.address === 'gpu')?.reasons).toEqual([
      'no NVIDIA GPU found (nvidia-smi reports none)',
    ]);
  });

  it('an H100 host: the H100 market pays best; a 4090 host is refused by the gated market', () => {
    expect(recommendMarkets({ gpus: gpusOf('h100.csv'), markets, xnos: 0n }).best).toBe('h100');
    const rtx = recommendMarkets({ gpus: gpusOf('rtx4090.csv'), markets, xnos: 0n });
    expect(rtx.best).toBe('gpu');
    expect(rtx.markets.find((m) => m.address === 'gated-4090')?.reasons).toEqual([
      'access: the market admits only holders of its NFT collection; this node presents no access key',
    ]);
  });

  it('skips the stake check when the stake is unknown, and has no best market when none qualifies', () => {
    expect(recommendMarkets({ gpus: [], markets: [market('staked', 5n, { xnosMinimum: 1n })] }).best).toBe(
      'staked',
    );
    expect(recommendMarkets({ gpus: [], markets: [market('gpu', 5n, { gpu: true })] }).best).toBeNull();
  });
});
