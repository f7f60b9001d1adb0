/**
 * The sign-flip test's resampling kernel: seeded random halves of the scenarios and the mean over each.
 * Kept apart from the test's logic because it is the hot loop (millions of bits per test); the exact
 * enumeration tests in test/unit/sign-flip.test.ts check what it draws. Pure.
 */
import seedrandom from 'seedrandom';

/** Calls `visit` with each resample's half-mean, in resample order; stops when it returns false. */
export function eachHalfMean(
  deltas: readonly number[],
  seed: string,
  resamples: number,
  visit: (halfMean: number) => boolean,
): void {
  const n = deltas.length;
  const values = Float64Array.from(deltas);
  // xor128 (from seedrandom): far faster than its default ARC4 for the millions of bits a test draws.
  const random = seedrandom.xor128(seed);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    let count = 0;
    for (let start = 0; start < n; start += 32) {
      const bits = random.int32();
      const end = Math.min(n, start + 32);
      for (let i = start; i < end; i++) {
        const bit = (bits >>> (i - start)) & 1;
        sum += bit * values[i]!;
        count += bit;
      }
    }
    if (!visit(count === 0 ? Number.NEGATIVE_INFINITY : sum / count)) return;
  }
}
