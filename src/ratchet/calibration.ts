/**
 * Calibration: replays the ratchet's validation procedure (the same sequential design, sign-flip tests,
 * Holm steps and confirmation rule) on measured per-scenario deltas under known truths, to measure how often
 * it accepts a change that does nothing and how often it accepts one that helps. Pure and seeded.
 *
 * - Full null: every proposal's validation and confirmation deltas get a random sign per scenario (the same
 *   sign for every proposal, so their correlation stays): each proposal's true effect is zero and the
 *   per-scenario spread is the real one. A run with any accepted change is a false accept.
 * - Boundary null: the same, shifted up by the threshold, so every proposal sits exactly on the null's edge
 *   (improvement = threshold): the size of the test itself, before the confirmation gate.
 * - Planted effect: one proposal's sign-flipped deltas shifted up by threshold + effect, the others null:
 *   how often that proposal is accepted (the power).
 */
import { Stream } from '../scenarios/factory/random.js';
import type { Interval } from '../stats/bootstrap.js';
import { isConfirmed } from './ratchet.js';
import { runSequential, type SequentialDesign } from './sequential.js';

export interface MeasuredDeltas {
  readonly bank: number;
  /** The proposals of the round, as the ratchet names them. */
  readonly keys: readonly string[];
  /** Each proposal's paired deltas over the whole validation budget, in draw order. */
  readonly validation: ReadonlyMap<string, readonly number[]>;
  readonly confirmation: ReadonlyMap<string, readonly number[]>;
}

export interface CalibrationOptions {
  readonly design: SequentialDesign;
  readonly threshold: number;
  /** Simulated runs per bank under each null. */
  readonly runs: number;
  /** The planted effect above the threshold (default 0.03). */
  readonly planted: number;
  readonly seed: string;
  readonly resamples?: number;
}

export interface Rate {
  readonly hits: number;
  readonly trials: number;
  readonly rate: number;
  /** Wilson score interval at 95 %. */
  readonly interval: Interval;
}

export interface BankCalibration {
  readonly bank: number;
  readonly proposals: readonly string[];
  readonly validationScenarios: number;
  readonly confirmationScenarios: number;
  /** Runs that accepted anything under the full null. */
  readonly fullNull: Rate;
  /** Runs that accepted anything with every proposal exactly at the threshold. */
  readonly boundaryNull: Rate;
  /** Planted proposals accepted. */
  readonly power: Rate;
}

/** Wilson score interval for a binomial proportion at 95 %. */
export function wilson(hits: number, trials: number): Rate {
  if (trials === 0) return { hits, trials, rate: Number.NaN, interval: [0, 1] };
  const z = 1.959963984540054;
  const p = hits / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { hits, trials, rate: p, interval: [Math.max(0, centre - half), Math.min(1, centre + half)] };
}

const signs = (stream: Stream, n: number): number[] =>
  Array.from({ length: n }, () => (stream.chance(0.5) ? 1 : -1));

/** Which proposals the procedure accepts (validated, then confirmed) on these deltas. */
async function acceptedSet(
  design: SequentialDesign,
  keys: readonly string[],
  validation: ReadonlyMap<string, readonly number[]>,
  confirmation: ReadonlyMap<string, readonly number[]>,
  options: { threshold: number; seed: string; resamples?: number },
): Promise<Set<string>> {
  const outcomes = await runSequential(
    design,
    keys,
    async (open, n) => new Map(open.map((key) => [key, validation.get(key)!.slice(0, n)])),
    options,
  );
  return new Set(
    keys.filter((key) => outcomes.get(key)!.status === 'accepted' && isConfirmed(confirmation.get(key)!)),
  );
}

function transformed(
  measured: ReadonlyMap<string, readonly number[]>,
  sign: readonly number[],
  shift: (key: string) => number,
): Map<string, number[]> {
  // Every proposal is cut to the common length, so one sign per scenario applies to all of them.
  return new Map(
    [...measured].map(([key, d]) => [key, d.slice(0, sign.length).map((x, i) => sign[i]! * x + shift(key))]),
  );
}

export async function calibrateBank(
  measured: MeasuredDeltas,
  options: CalibrationOptions,
): Promise<BankCalibration> {
  const { keys } = measured;
  const nv = keys.length === 0 ? 0 : Math.min(...keys.map((k) => measured.validation.get(k)!.length));
  const nc = keys.length === 0 ? 0 : Math.min(...keys.map((k) => measured.confirmation.get(k)!.length));
  const test = (seed: string) => ({
    threshold: options.threshold,
    seed,
    ...(options.resamples ? { resamples: options.resamples } : {}),
  });
  let fullNull = 0;
  let boundary = 0;
  let planted = 0;
  let plantedTrials = 0;
  for (let run = 0; run < options.runs; run++) {
    const stream = new Stream(`${options.seed}:calibration:${measured.bank}:${run}`);
    const sv = signs(stream, nv);
    const sc = signs(stream, nc);
    const none = () => 0;
    const nullSet = await acceptedSet(
      options.design,
      keys,
      transformed(measured.validation, sv, none),
      transformed(measured.confirmation, sc, none),
      test(`${options.seed}:null:${run}`),
    );
    if (nullSet.size > 0) fullNull++;
    const edge = () => options.threshold;
    const boundarySet = await acceptedSet(
      options.design,
      keys,
      transformed(measured.validation, sv, edge),
      transformed(measured.confirmation, sc, edge),
      test(`${options.seed}:boundary:${run}`),
    );
    if (boundarySet.size > 0) boundary++;
    for (const target of keys) {
      const shift = (key: string) => (key === target ? options.threshold + options.planted : 0);
      const accepted = await acceptedSet(
        options.design,
        keys,
        transformed(measured.validation, sv, shift),
        transformed(measured.confirmation, sc, shift),
        test(`${options.seed}:planted:${target}:${run}`),
      );
      plantedTrials++;
      if (accepted.has(target)) planted++;
    }
  }
  return {
    bank: measured.bank,
    proposals: keys,
    validationScenarios: nv,
    confirmationScenarios: nc,
    fullNull: wilson(fullNull, options.runs),
    boundaryNull: wilson(boundary, options.runs),
    power: wilson(planted, plantedTrials),
  };
}

/** Pools banks: the hits and trials add up. */
export function pooled(banks: readonly BankCalibration[], pick: (b: BankCalibration) => Rate): Rate {
  return wilson(
    banks.reduce((n, b) => n + pick(b).hits, 0),
    banks.reduce((n, b) => n + pick(b).trials, 0),
  );
}
