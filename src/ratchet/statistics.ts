/**
 * Paired validation statistics and Holm's step-down correction. Pure and seeded.
 */

import seedrandom from 'seedrandom';
import { DEFAULT_RESAMPLES, type Interval, mean, quantile } from '../stats/bootstrap.js';

export interface PairedTest {
  readonly delta: number;
  /** Resampled means of the paired deltas, sorted: intervals at any level come from these. */
  readonly resampledMeans: readonly number[];
  /** Two-sided bootstrap p-value of "no difference". */
  readonly pValue: number;
}

/** Bootstraps the mean of paired per-scenario deltas (candidate − current). */
export function pairedTest(
  deltas: readonly number[],
  seed: string,
  resamples = DEFAULT_RESAMPLES,
): PairedTest {
  const n = deltas.length;
  if (n === 0) return { delta: Number.NaN, resampledMeans: [], pValue: 1 };
  const random = seedrandom(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += deltas[Math.floor(random() * n)]!;
    means[b] = sum / n;
  }
  const sorted = Array.from(means).sort((a, b) => a - b);
  const atMostZero = sorted.filter((m) => m <= 0).length;
  const atLeastZero = sorted.filter((m) => m >= 0).length;
  const pValue = Math.min(1, (2 * (Math.min(atMostZero, atLeastZero) + 1)) / (resamples + 1));
  return { delta: mean(deltas), resampledMeans: sorted, pValue };
}

/** The percentile interval at confidence 1 − alpha. */
export function intervalAt(test: PairedTest, alpha: number): Interval {
  if (test.resampledMeans.length === 0) return [Number.NaN, Number.NaN];
  return [quantile(test.resampledMeans, alpha / 2), quantile(test.resampledMeans, 1 - alpha / 2)];
}

export interface HolmResult {
  readonly name: string;
  /** The level this test is judged at: α / (m − rank + 1). */
  readonly alpha: number;
  readonly interval: Interval;
  /** Its interval at that level excludes zero and every test ranked before it was significant too. */
  readonly significant: boolean;
  readonly rank: number;
}

/**
 * Holm's step-down over a family: tests ordered by p-value (ties by name), the k-th judged at
 * α / (m − k + 1) by whether its paired interval at that level excludes zero; the first failure stops it.
 */
export function holm(tests: ReadonlyMap<string, PairedTest>, familyAlpha: number): Map<string, HolmResult> {
  const ordered = [...tests].sort(([a, x], [b, y]) => x.pValue - y.pValue || (a < b ? -1 : 1));
  const m = ordered.length;
  const out = new Map<string, HolmResult>();
  let stillRejecting = true;
  ordered.forEach(([name, test], k) => {
    const alpha = familyAlpha / (m - k);
    const interval = intervalAt(test, alpha);
    const excludesZero = interval[0] > 0 || interval[1] < 0;
    const significant = stillRejecting && excludesZero;
    if (!significant) stillRejecting = false;
    out.set(name, { name, alpha, interval, significant, rank: k + 1 });
  });
  return out;
}
