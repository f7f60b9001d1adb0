/** What the parts of a generated scenario share when they write their evidence. Pure. */
import type { Step } from '../script.js';
import { clamp01, type Stream } from './random.js';

/** A step of evidence at its simulated time (epoch seconds). */
export interface TimedEvidence {
  readonly at: number;
  readonly step: Step;
}

/**
 * An importance the application rated at save time: a reading of `value` with reliability `r` (the rest is
 * chance), mapped to 0.2–0.8 and rounded to three decimals.
 */
export function importanceReading(value: number, r: number, s: Stream): number {
  return Math.round(1000 * (0.2 + 0.6 * clamp01(r * value + (1 - r) * s.uniform()))) / 1000;
}
