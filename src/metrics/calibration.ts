/**
 * Expected calibration error with 10 equal-width bins over [0, 1]: Σ_b (n_b / N)·|accuracy_b − confidence_b|.
 * A prediction of exactly 1 falls in the last bin. Undefined (null) without predictions.
 */
export function expectedCalibrationError(
  predictions: readonly number[],
  outcomes: readonly boolean[],
  bins = 10,
): number | null {
  if (predictions.length !== outcomes.length) {
    throw new RangeError(
      `predictions (${predictions.length}) and outcomes (${outcomes.length}) differ in length`,
    );
  }
  if (predictions.length === 0) return null;
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  predictions.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`prediction ${p} at index ${i} is outside [0, 1]`);
    const b = Math.min(Math.floor(p * bins), bins - 1);
    count[b]! += 1;
    confidence[b]! += p;
    hits[b]! += outcomes[i] ? 1 : 0;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const n = count[b]!;
    if (n > 0) ece += (n / predictions.length) * Math.abs(hits[b]! / n - confidence[b]! / n);
  }
  return ece;
}
