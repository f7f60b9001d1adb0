/**
 * The paired sign-flip (permutation) test of a mean improvement, Monte Carlo with a fixed seed, and the
 * confidence bounds that invert it. Pure.
 *
 * For H0: mean ≤ μ0 against mean > μ0, the statistic is the mean of (d − μ0); each resample flips the sign
 * of every scenario's (d − μ0) with probability ½. A resample's mean is at least the observed one exactly
 * when μ0 is at least the mean of d over the scenarios it flipped (a random half of the scenarios). So with
 * one fixed set of flips the p-value at any μ0 is (1 + #{half-means ≤ μ0}) / (B + 1), and the confidence
 * bounds are order statistics of the half-means: p-values and intervals come from one procedure and agree
 * exactly (μ0 is rejected at level a iff it lies below the lower bound at a). Under H0 with the deltas
 * symmetric about μ0 the size is exact at any n; with the threshold inside the null (μ0 = threshold) a
 * constant whose deltas are symmetric about zero is rejected less often than a.
 */
import { type Interval, mean } from './bootstrap.js';
import { eachHalfMean } from './flip-draws.js';

export const DEFAULT_SIGN_FLIPS = 20_000;
/** Half-means this close to μ0 count as ties (they match the observed statistic): rounding, not evidence. */
const TIE = 1e-12;

export interface SignFlipTest {
  readonly n: number;
  readonly mean: number;
  readonly resamples: number;
  /** The mean over each resample's flipped scenarios, sorted (−∞ for a resample that flips none). */
  readonly halfMeans: Float64Array;
}

export function signFlipTest(
  deltas: readonly number[],
  seed: string,
  resamples = DEFAULT_SIGN_FLIPS,
): SignFlipTest {
  const halfMeans = new Float64Array(deltas.length === 0 ? 0 : resamples);
  if (deltas.length > 0) {
    let b = 0;
    eachHalfMean(deltas, seed, resamples, (m) => {
      halfMeans[b++] = m;
      return true;
    });
    halfMeans.sort();
  }
  return { n: deltas.length, mean: mean(deltas), resamples, halfMeans };
}

/** Index of the first half-mean > x (half-means sorted ascending). */
function countAtMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** p-value of H0: mean ≤ μ0 (the improvement is at most μ0). */
export function pAbove(test: SignFlipTest, mu0: number): number {
  if (test.n === 0) return 1;
  return (1 + countAtMost(test.halfMeans, mu0 + TIE)) / (test.resamples + 1);
}

/** p-value of H0: mean ≥ μ0 (the change is no worse than μ0): the mirror of `pAbove` on −d. */
export function pBelow(test: SignFlipTest, mu0: number): number {
  if (test.n === 0) return 1;
  const atLeast = test.resamples - countLess(test.halfMeans, mu0 - TIE) + emptyHalves(test);
  return (1 + atLeast) / (test.resamples + 1);
}

/** Resamples that flipped no scenario: they match the observed statistic on either side. */
function emptyHalves(test: SignFlipTest): number {
  return countLess(test.halfMeans, Number.MIN_SAFE_INTEGER);
}

function countLess(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lower confidence bound at level a: every μ0 below it is rejected by the test at level a (so the
 * improvement exceeds μ0 with confidence 1 − a); −∞ when a is below the test's resolution 1/(B + 1).
 */
export function lowerBound(test: SignFlipTest, a: number): number {
  if (test.n === 0) return Number.NaN;
  const allowed = Math.floor(a * (test.resamples + 1) + 1e-9) - 1;
  return allowed < 0 ? Number.NEGATIVE_INFINITY : test.halfMeans[allowed]!;
}

/** The upper confidence bound at level a (the mirror of `lowerBound`). */
export function upperBound(test: SignFlipTest, a: number): number {
  if (test.n === 0) return Number.NaN;
  const allowed = Math.floor(a * (test.resamples + 1) + 1e-9) - 1;
  const empty = emptyHalves(test);
  if (allowed < empty) return Number.POSITIVE_INFINITY;
  return test.halfMeans[test.resamples - 1 - allowed + empty]!;
}

/**
 * Whether the test rejects H0: mean ≤ μ0 at level a, without drawing more resamples than the decision needs
 * (it stops once too many half-means lie at or below μ0). The same decision as `pAbove(test, μ0) ≤ a` on
 * the same seed, at a fraction of the cost when the answer is no.
 */
export function rejectsAbove(
  deltas: readonly number[],
  mu0: number,
  a: number,
  seed: string,
  resamples = DEFAULT_SIGN_FLIPS,
): boolean {
  if (deltas.length === 0) return false;
  const allowed = Math.floor(a * (resamples + 1) + 1e-9) - 1;
  if (allowed < 0) return false;
  let count = 0;
  eachHalfMean(deltas, seed, resamples, (m) => {
    if (m <= mu0 + TIE) count++;
    return count <= allowed;
  });
  return count <= allowed;
}

/** Sign flips per sample for intervals that only describe (where a constant acts): enough for α/14 tails. */
export const DESCRIPTIVE_SIGN_FLIPS = 5_000;

/**
 * Two-sided sign-flip intervals of several samples' means that hold together at 1 − α over a family of
 * `family` samples (default: these; Bonferroni, each at α / family), for reports that single out the sample
 * that moved most. Each sample draws its flips from its own seed (`seed:name`), so an interval does not
 * depend on which other samples are listed.
 */
export function simultaneousIntervals(
  samples: readonly (readonly [name: string, deltas: readonly number[]])[],
  seed: string,
  { alpha = 0.05, family = samples.length, resamples = DESCRIPTIVE_SIGN_FLIPS } = {},
): Interval[] {
  const each = alpha / Math.max(1, family) / 2;
  return samples.map(([name, deltas]) => {
    const test = signFlipTest(deltas, `${seed}:${name}`, resamples);
    return [lowerBound(test, each), upperBound(test, each)] as const;
  });
}
