/** Small statistics for benchmarks and seeded tests: percentiles, the median, the Gini coefficient, a seeded PRNG. */

/**
 * The `p`-th percentile (nearest rank) of `values`; NaN when there are none.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * The Gini coefficient of non-negative amounts: 0 when everyone has the same, → 1 when one has everything.
 *
 * @example
 * ```ts
 * gini([5, 5, 5]); // 0
 * gini([0, 0, 9]); // 0.666…
 * ```
 */
export function gini(amounts: readonly number[]): number {
  const n = amounts.length;
  const total = amounts.reduce((sum, a) => sum + a, 0);
  if (n === 0 || total === 0) return 0;
  const sorted = [...amounts].sort((a, b) => a - b);
  // G = Σ (2i − n − 1) x_i / (n Σ x), i = 1..n over the sorted amounts.
  const weighted = sorted.reduce((sum, x, i) => sum + (2 * (i + 1) - n - 1) * x, 0);
  return weighted / (n * total);
}

/**
 * The median of `values` (the mean of the middle two for an even count); NaN when there are none.
 *
 * @example
 * ```ts
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same numbers in [0, 1), so a seeded run
 * replays exactly.
 *
 * @example
 * ```ts
 * const next = seededRandom(7);
 * next(); // the same value on every run with seed 7
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
