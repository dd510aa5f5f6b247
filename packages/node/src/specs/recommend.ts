/**
 * Which markets a host should join: every market judged on its GPU requirement (model, VRAM, count), its access
 * key and its stake minimum, the qualifying ones ordered by price. Pure.
 */
import { formatNos } from '@nosana/core';
import type { GpuSpec } from '@nosana/runtime';
import { type MarketGpuRequirement, qualifyMarkets } from './qualify.js';

/** A market as the recommendation reads it (from the chain, plus a requirement when one is known). */
export interface MarketCandidate {
  address: string;
  name?: string | undefined;
  /** NOS base units per second. */
  pricePerSecond: bigint;
  /** A GPU market (job type GPU): without a known requirement, it needs at least one NVIDIA GPU. */
  gpu: boolean;
  /** Admits only holders of an NFT of a collection (access keys are not presented by this node). */
  gated: boolean;
  /** The stake (xNOS) a node needs, in base units. */
  xnosMinimum: bigint;
  /** What the market asks of GPUs, when the network publishes it (model list, VRAM); else derived from `gpu`. */
  requirement?: Omit<MarketGpuRequirement, 'market'> | undefined;
}

/** Parameters of {@link recommendMarkets}. */
export interface RecommendMarketsParameters {
  gpus: readonly GpuSpec[];
  markets: readonly MarketCandidate[];
  /** The node's stake in xNOS base units; null or omitted: not checked. */
  xnos?: bigint | null;
}

/** One market's verdict. */
export interface MarketRecommendation {
  address: string;
  name: string | null;
  pricePerSecond: bigint;
  qualified: boolean;
  /** Why the host is refused (empty when qualified). */
  reasons: string[];
  /** The GPU indexes the market would use. */
  gpus: number[];
}

/** Result of {@link recommendMarkets}. */
export interface RecommendMarketsResult {
  /** Qualifying markets first, best-paying first; then the refused ones, best-paying first. */
  markets: MarketRecommendation[];
  /** The best-paying qualifying market's address, or null when none qualifies. */
  best: string | null;
}

/**
 * Judges every market for this host and orders them: qualified first, by price.
 *
 * @example
 * ```ts
 * const { best, markets } = recommendMarkets({ gpus, markets: [{ address, pricePerSecond: 300n, gpu: true, gated: false, xnosMinimum: 0n }] });
 * ```
 */
export function recommendMarkets({
  gpus,
  markets,
  xnos,
}: RecommendMarketsParameters): RecommendMarketsResult {
  const verdicts = qualifyMarkets({
    gpus,
    markets: markets.map((m) => ({
      market: m.address,
      ...(m.requirement ?? { minGpus: m.gpu ? 1 : 0 }),
    })),
  });
  const judged = markets.map((m, i): MarketRecommendation => {
    const verdict = verdicts[i]!;
    const reasons = [...verdict.reasons];
    if (m.gated)
      reasons.push(
        'access: the market admits only holders of its NFT collection; this node presents no access key',
      );
    if (xnos !== undefined && xnos !== null && xnos < m.xnosMinimum)
      reasons.push(`stake: needs ${formatNos(m.xnosMinimum)} xNOS, the node has ${formatNos(xnos)}`);
    return {
      address: m.address,
      name: m.name ?? null,
      pricePerSecond: m.pricePerSecond,
      qualified: reasons.length === 0,
      reasons,
      gpus: verdict.gpus,
    };
  });
  const byPrice = (a: MarketRecommendation, b: MarketRecommendation) =>
    a.pricePerSecond === b.pricePerSecond
      ? a.address.localeCompare(b.address)
      : a.pricePerSecond > b.pricePerSecond
        ? -1
        : 1;
  const ordered = [
    ...judged.filter((m) => m.qualified).sort(byPrice),
    ...judged.filter((m) => !m.qualified).sort(byPrice),
  ];
  return { markets: ordered, best: ordered[0]?.qualified ? ordered[0].address : null };
}
