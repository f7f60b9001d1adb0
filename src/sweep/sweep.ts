/** Runs a sweep plan: every single and pair grid on the same scenarios, then aggregates. */
import type { Constants } from '../constants/values.js';
import type { Evaluator } from '../scenarios/evaluate.js';
import type { Scenario } from '../scenarios/scenario.js';
import {
  type AggregateOptions,
  aggregatePair,
  aggregateSweep,
  type ConstantSummary,
  type PairSummary,
} from './aggregate.js';
import type { SweepPlan } from './plan.js';
import {
  type PairPoint,
  pairSweepSize,
  runPairSweep,
  runSingleSweep,
  type SweepPoint,
  singleSweepSize,
} from './runner.js';

export interface SweepExecution {
  readonly points: readonly SweepPoint[];
  readonly pairPoints: readonly PairPoint[];
  readonly summaries: readonly ConstantSummary[];
  readonly pairSummaries: readonly PairSummary[];
}

export interface ExecuteOptions extends AggregateOptions {
  readonly concurrency?: number;
  /** Progress over all evaluations of the plan. */
  readonly onProgress?: (done: number, total: number) => void;
}

export function sweepSize(plan: SweepPlan, scenarios: readonly Scenario[]): number {
  return (
    plan.singles.reduce((n, grid) => n + singleSweepSize(grid, scenarios), 0) +
    plan.pairs.reduce((n, grid) => n + pairSweepSize(grid, scenarios), 0)
  );
}

export async function executeSweep(
  evaluator: Evaluator,
  scenarios: readonly Scenario[],
  constants: Constants,
  plan: SweepPlan,
  options: ExecuteOptions = {},
): Promise<SweepExecution> {
  const total = sweepSize(plan, scenarios);
  let before = 0;
  const progress = (done: number) => options.onProgress?.(before + done, total);
  const run = { ...(options.concurrency ? { concurrency: options.concurrency } : {}), onProgress: progress };
  const points: SweepPoint[] = [];
  const summaries: ConstantSummary[] = [];
  for (const grid of plan.singles) {
    const sweep = await runSingleSweep(evaluator, scenarios, constants, grid, run);
    before += sweep.length;
    points.push(...sweep);
    summaries.push(aggregateSweep(grid.constant, grid.current, sweep, options));
  }
  const pairPoints: PairPoint[] = [];
  const pairSummaries: PairSummary[] = [];
  for (const grid of plan.pairs) {
    const sweep = await runPairSweep(evaluator, scenarios, constants, grid, run);
    before += sweep.length;
    pairPoints.push(...sweep);
    pairSummaries.push(aggregatePair(sweep, options));
  }
  return { points, pairPoints, summaries, pairSummaries };
}
