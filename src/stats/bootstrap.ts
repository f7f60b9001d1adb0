/**
 * Seeded bootstrap statistics over scenarios. Pure: the same inputs and seed give the same numbers.
 * Resampling is by scenario (the unit of analysis), so paired comparisons stay paired.
 */
import { seededRandom } from '../util/seeded-random.js';

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_CONFIDENCE = 0.95;

export type Interval = readonly [lo: number, hi: number];

export interface BootstrapOptions {
  /** Seed of the resampling PRNG; statistics that use different seeds are independent of call order. */
  readonly seed: string;
  readonly resamples?: number;
  readonly confidence?: number;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Linear-interpolated quantile of sorted values (type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}

/**
 * Resamples n scenario indices with replacement `resamples` times and returns the percentile interval
 * of `statistic` over the resamples. `statistic` receives the resampled indices.
 */
export function bootstrapInterval(
  n: number,
  statistic: (indices: Uint32Array) => number,
  options: BootstrapOptions,
): Interval {
  return bootstrapIntervals(
    n,
    1,
    (indices, out) => {
      out[0] = statistic(indices);
    },
    options,
  )[0]!;
}

/**
 * Percentile intervals of several statistics over the same resamples (common random numbers): one draw of
 * indices per resample serves every statistic, so related intervals (a curve's means) vary together and
 * cost one draw instead of one each. `statistics` writes the `count` statistics of one resample into `out`.
 */
export function bootstrapIntervals(
  n: number,
  count: number,
  statistics: (indices: Uint32Array, out: Float64Array) => void,
  { seed, resamples = DEFAULT_RESAMPLES, confidence = DEFAULT_CONFIDENCE }: BootstrapOptions,
): Interval[] {
  if (n === 0) return Array.from({ length: count }, () => [Number.NaN, Number.NaN] as const);
  const random = seededRandom(seed);
  const values = Array.from({ length: count }, () => new Float64Array(resamples));
  const indices = new Uint32Array(n);
  const out = new Float64Array(count);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(random() * n);
    statistics(indices, out);
    for (let k = 0; k < count; k++) values[k]![b] = out[k]!;
  }
  const alpha = (1 - confidence) / 2;
  return values.map((v) => {
    // In place and numeric (a typed array's own sort): no copy, no comparator calls.
    const sorted = v.sort();
    return [quantile(sorted, alpha), quantile(sorted, 1 - alpha)] as const;
  });
}

/** Interval of the mean of per-scenario values. */
export function meanInterval(values: readonly number[], options: BootstrapOptions): Interval {
  return bootstrapInterval(
    values.length,
    (indices) => {
      let sum = 0;
      for (const i of indices) sum += values[i]!;
      return sum / indices.length;
    },
    options,
  );
}

export const excludesZero = ([lo, hi]: Interval): boolean => lo > 0 || hi < 0;
