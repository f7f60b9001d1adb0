/**
 * The calibration job: for each bank, the ratchet's first round up to its proposals, then every proposal's
 * paired deltas over the whole validation budget and the confirmation set, measured on the engine; the pure
 * calibration replays the decision procedure on them under sign-flip nulls and planted effects.
 */
import { type BankCalibration, calibrateBank, type MeasuredDeltas } from '../ratchet/calibration.js';
import type { PointsCounts } from '../ratchet/points-evaluator.js';
import { roundDesign, trainRound } from '../ratchet/ratchet.js';
import { ScenarioBank, type ScenarioSlice } from '../scenarios/factory/scenario-bank.js';
import { DEFAULT_BOOTSTRAP_SEED } from '../sweep/aggregate.js';
import type { PointScore } from '../sweep/runner.js';
import {
  type JobClock,
  jobEvaluator,
  jobSlices,
  type PointsSource,
  type RatchetJob,
  ratchetOptions,
} from './ratchet-job.js';

export interface CalibrationJob {
  /** The ratchet job each bank's run would be (its bank is replaced by each of `banks`). */
  readonly job: RatchetJob;
  readonly banks: readonly number[];
  readonly runs: number;
  readonly planted: number;
}

const ndcg = (p: PointScore): number => {
  if (p.status !== 'ok' || !p.metrics) throw new Error(`scenario ${p.scenario} was not scored`);
  return p.metrics['ndcg@5'];
};

/** Round 1's proposals on one bank and their deltas over the whole budget. */
export async function measureBank(
  job: RatchetJob,
  source: PointsSource,
  clock: JobClock,
): Promise<{ measured: MeasuredDeltas; counts: PointsCounts }> {
  const bank = new ScenarioBank(job.bank);
  const evaluator = jobEvaluator(job, bank, source, clock);
  const options = ratchetOptions(job);
  const { proposals } = await trainRound(evaluator, job.scope, job.constants, options);
  const slices = jobSlices(job);
  const validation: ScenarioSlice = { role: 'validation', from: 0, to: job.maxSeeds - slices.train.to };
  const confirmation: ScenarioSlice = { role: 'confirmation', from: 0, to: job.confirmSeeds };
  const deltasOn = async (slice: ScenarioSlice) => {
    const [current, ...candidates] = await Promise.all([
      evaluator.run({}, slice),
      ...proposals.map((p) => evaluator.run(p.change, slice)),
    ]);
    return new Map(
      proposals.map((p, i) => [p.key, candidates[i]!.map((point, j) => ndcg(point) - ndcg(current![j]!))]),
    );
  };
  const [v, c] = await Promise.all([deltasOn(validation), deltasOn(confirmation)]);
  return {
    measured: { bank: job.bank, keys: proposals.map((p) => p.key), validation: v, confirmation: c },
    counts: evaluator.counts(),
  };
}

export async function calibrateJob(
  calibration: CalibrationJob,
  source: PointsSource,
  clock: JobClock,
  onBank?: (result: BankCalibration) => void,
): Promise<BankCalibration[]> {
  const results: BankCalibration[] = [];
  for (const bank of calibration.banks) {
    const job = { ...calibration.job, bank };
    const { measured } = await measureBank(job, source, clock);
    const options = ratchetOptions(job);
    const result = await calibrateBank(measured, {
      design: roundDesign(options, job.alpha / job.rounds),
      threshold: job.threshold,
      runs: calibration.runs,
      planted: calibration.planted,
      seed: DEFAULT_BOOTSTRAP_SEED,
    });
    onBank?.(result);
    results.push(result);
  }
  return results;
}
