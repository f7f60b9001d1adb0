/** Runs a sweep plan: every single and pair grid on the same scenarios, then aggregates. */
import type { Constants } from '../constants/values.js';
import type { VariantsEvaluator } from '../scenarios/evaluate-variants.js';
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
  pairSweepJobs,
  pairSweepSize,
  runJobs,
  type SweepPoint,
  singleSweepJobs,
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

/** Every grid's jobs run together, so each scenario's variants of every constant share one evaluation. */
export async function executeSweep(
  evaluator: VariantsEvaluator,
  scenarios: readonly Scenario[],
  constants: Constants,
  plan: SweepPlan,
  options: ExecuteOptions = {},
): Promise<SweepExecution> {
  const total = sweepSize(plan, scenarios);
  const singles = plan.singles.map((grid) => ({ grid, ...singleSweepJobs(grid, scenarios) }));
  const pairs = plan.pairs.map((grid) => ({ grid, ...pairSweepJobs(grid, constants, scenarios) }));
  const jobs = [...singles, ...pairs].flatMap((part) => part.jobs);
  const scores = await runJobs(evaluator, constants, jobs, {
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    onProgress: (done) => options.onProgress?.(done, total),
  });
  let at = 0;
  const take = (n: number) => {
    const slice = scores.slice(at, at + n);
    at += n;
    return slice;
  };
  const points: SweepPoint[] = [];
  const summaries: ConstantSummary[] = [];
  for (const single of singles) {
    const sweep = single.points(take(single.jobs.length));
    points.push(...sweep);
    summaries.push(aggregateSweep(single.grid.constant, single.grid.current, sweep, options));
  }
  const pairPoints: PairPoint[] = [];
  const pairSummaries: PairSummary[] = [];
  for (const pair of pairs) {
    const sweep = pair.points(take(pair.jobs.length));
    pairPoints.push(...sweep);
    pairSummaries.push(aggregatePair(sweep, options));
  }
  return { points, pairPoints, summaries, pairSummaries };
}
