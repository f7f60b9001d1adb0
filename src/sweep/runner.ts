/**
 * SweepRunner: scores every grid value on the same scenarios, one point per (value, scenario), and per
 * (value a, value b, scenario) for pairs. Degenerate values and failed runs are points too, with their
 * status and reason: nothing is dropped.
 */
import type { ConstantValue } from '../constants/registry.js';
import { type Constants, withOverrides } from '../constants/values.js';
import { errorMessage } from '../errors.js';
import type { RankingMetrics } from '../metrics/ranking.js';
import type { Evaluator } from '../scenarios/evaluate.js';
import type { Scenario, ScenarioResult, ScenarioStatus } from '../scenarios/scenario.js';
import { type DurationStats, durationStats } from '../stats/durations.js';
import { mapPool } from '../util/pool.js';
import type { Grid, PairGrid } from './grid.js';

export interface PointScore {
  readonly scenario: string;
  readonly status: ScenarioStatus;
  readonly reason?: string;
  readonly metrics: RankingMetrics | null;
  readonly calibrationError: number | null;
  readonly rankingHash: string | null;
  readonly durationMs: number;
  /** Set on points of a value outside the valid range, which were not run. */
  readonly degenerateValue?: true;
}

export interface SweepPoint extends PointScore {
  readonly constant: string;
  readonly value: ConstantValue;
}

export interface PairPoint extends PointScore {
  readonly constantA: string;
  readonly valueA: ConstantValue;
  readonly constantB: string;
  readonly valueB: ConstantValue;
}

export interface RunOptions {
  readonly concurrency?: number;
  /** Called after each evaluation with the number done so far. */
  readonly onProgress?: (done: number) => void;
}

export const DEFAULT_CONCURRENCY = 8;

export interface EvaluationCounts {
  readonly total: number;
  readonly ok: number;
  readonly skipped: number;
  readonly errors: number;
  readonly durations: DurationStats;
}

/** Counts of points by status, and the duration statistics of those that ran. */
export function evaluationCounts(points: readonly PointScore[]): EvaluationCounts {
  return {
    total: points.length,
    ok: points.filter((p) => p.status === 'ok').length,
    skipped: points.filter((p) => p.status === 'skipped-degenerate').length,
    errors: points.filter((p) => p.status === 'error').length,
    durations: durationStats(
      points.filter((p) => p.status !== 'skipped-degenerate').map((p) => p.durationMs),
    ),
  };
}

/** The per-scenario point of an evaluation. */
export function pointScore(result: ScenarioResult): PointScore {
  return {
    scenario: result.scenario,
    status: result.status,
    ...(result.reason !== undefined ? { reason: result.reason } : {}),
    metrics: result.metrics,
    calibrationError: result.calibrationError,
    rankingHash: result.rankingHash,
    durationMs: result.durationMs,
  };
}

/** A point for a scenario that was not scored. */
export const notRun = (scenario: string, reason: string): PointScore => ({
  scenario,
  status: 'skipped-degenerate',
  reason,
  metrics: null,
  calibrationError: null,
  rankingHash: null,
  durationMs: 0,
});

interface Job {
  readonly overrides: Readonly<Record<string, ConstantValue>>;
  readonly scenario: Scenario;
  readonly skip?: string;
}

async function runJobs(evaluator: Evaluator, base: Constants, jobs: readonly Job[], options: RunOptions) {
  let done = 0;
  return mapPool(jobs, options.concurrency ?? DEFAULT_CONCURRENCY, async (job) => {
    let result: PointScore;
    if (job.skip) {
      result = { ...notRun(job.scenario.name, job.skip), degenerateValue: true };
    } else {
      try {
        result = pointScore(await evaluator.evaluate(job.scenario, withOverrides(base, job.overrides)));
      } catch (error) {
        result = { ...notRun(job.scenario.name, errorMessage(error)), status: 'error' };
      }
    }
    options.onProgress?.(++done);
    return result;
  });
}

const degenerateReason = (constant: string, value: number) =>
  `${constant} = ${value} is outside the valid range: degenerate, not run`;

/** Jobs for a single sweep: values ascending (degenerate ones included), scenarios in the given order. */
export function singleSweepSize(grid: Grid, scenarios: readonly Scenario[]): number {
  return (grid.values.length + grid.degenerate.length) * scenarios.length;
}

export async function runSingleSweep(
  evaluator: Evaluator,
  scenarios: readonly Scenario[],
  base: Constants,
  grid: Grid,
  options: RunOptions = {},
): Promise<SweepPoint[]> {
  const values = [...grid.values, ...grid.degenerate].sort((a, b) => a - b);
  const jobs = values.flatMap((value) =>
    scenarios.map(
      (scenario): Job => ({
        overrides: { [grid.constant]: value },
        scenario,
        ...(grid.degenerate.includes(value) ? { skip: degenerateReason(grid.constant, value) } : {}),
      }),
    ),
  );
  const scores = await runJobs(evaluator, base, jobs, options);
  return scores.map((s, i) => ({
    constant: grid.constant,
    value: values[Math.floor(i / scenarios.length)]!,
    ...s,
  }));
}

export function pairSweepSize(grid: PairGrid, scenarios: readonly Scenario[]): number {
  return grid.a.values.length * grid.b.values.length * scenarios.length;
}

export async function runPairSweep(
  evaluator: Evaluator,
  scenarios: readonly Scenario[],
  base: Constants,
  grid: PairGrid,
  options: RunOptions = {},
): Promise<PairPoint[]> {
  const cells = grid.a.values.flatMap((a) => grid.b.values.map((b) => [a, b] as const));
  const jobs = cells.flatMap(([a, b]) =>
    scenarios.map((scenario): Job => {
      const overrides = { [grid.a.constant]: a, [grid.b.constant]: b };
      let skip: string | undefined;
      try {
        withOverrides(base, overrides);
      } catch (error) {
        skip = `${errorMessage(error)}: degenerate, not run`;
      }
      return { overrides, scenario, ...(skip ? { skip } : {}) };
    }),
  );
  const scores = await runJobs(evaluator, base, jobs, options);
  return scores.map((s, i) => {
    const [valueA, valueB] = cells[Math.floor(i / scenarios.length)]!;
    return { constantA: grid.a.constant, valueA, constantB: grid.b.constant, valueB, ...s };
  });
}
