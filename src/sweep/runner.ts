/**
 * SweepRunner: scores every grid value on the same scenarios, one point per (value, scenario), and per
 * (value a, value b, scenario) for pairs. Degenerate values and failed runs are points too, with their
 * status and reason: nothing is dropped.
 */
import type { ConstantValue } from '../constants/registry.js';
import { type Constants, withOverrides } from '../constants/values.js';
import { EvaluationFailedError, errorMessage } from '../errors.js';
import { ndcgByRanking, type RankingMetrics } from '../metrics/ranking.js';
import type { VariantsEvaluator } from '../scenarios/evaluate-variants.js';
import type { Scenario, ScenarioResult, ScenarioStatus } from '../scenarios/scenario.js';
import { type DurationStats, durationStats } from '../stats/durations.js';
import { mapPool } from '../util/pool.js';
import type { Grid, PairGrid } from './grid.js';

export interface PointScore {
  readonly scenario: string;
  readonly status: ScenarioStatus;
  readonly reason?: string;
  readonly metrics: RankingMetrics | null;
  /**
   * Each ranking's own nDCG@5 (the topic queries together, the policies, the facts, …): where a constant
   * acts. Absent on points that were not scored, and on points files written before it was recorded.
   */
  readonly rankings?: Readonly<Record<string, number>>;
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

/** Scenarios evaluated at once: one in Redis while the next is prepared and the last is read. */
export const DEFAULT_CONCURRENCY = 3;

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
    ...(result.status === 'ok' && result.queries.length > 0
      ? { rankings: ndcgByRanking(result.queries) }
      : {}),
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

export interface Job {
  readonly overrides: Readonly<Record<string, ConstantValue>>;
  readonly scenario: Scenario;
  readonly skip?: string;
}

/**
 * Runs jobs scenario by scenario, each scenario's variants in one factored evaluation; results keep the
 * jobs' order. A failed evaluation stops the sweep with its cause: an error is never a point.
 */
export async function runJobs(
  evaluator: VariantsEvaluator,
  base: Constants,
  jobs: readonly Job[],
  options: RunOptions = {},
): Promise<PointScore[]> {
  const results = new Array<PointScore>(jobs.length);
  const byScenario = new Map<Scenario, number[]>();
  let done = 0;
  jobs.forEach((job, i) => {
    if (job.skip) {
      results[i] = { ...notRun(job.scenario.name, job.skip), degenerateValue: true };
      done++;
    } else byScenario.set(job.scenario, [...(byScenario.get(job.scenario) ?? []), i]);
  });
  if (done > 0) options.onProgress?.(done);
  const failures: { scenario: string; reason: string }[] = [];
  await mapPool([...byScenario], options.concurrency ?? DEFAULT_CONCURRENCY, async ([scenario, indices]) => {
    if (failures.length > 0) return;
    const variants = indices.map((i) => withOverrides(base, jobs[i]!.overrides));
    const scored = await evaluator.evaluateVariants(scenario, variants);
    scored.forEach((result, k) => {
      if (result.status === 'error') failures.push({ scenario: scenario.name, reason: result.reason ?? '' });
      results[indices[k]!] = pointScore(result);
    });
    done += indices.length;
    options.onProgress?.(done);
  });
  if (failures.length > 0) {
    const error = new EvaluationFailedError(failures.length, failures[0]!.reason, failures[0]!.scenario);
    error.computed = jobs.flatMap((job, i) =>
      results[i]?.status === 'ok' ? [{ overrides: job.overrides, ...results[i] }] : [],
    );
    throw error;
  }
  return results;
}

const degenerateReason = (constant: string, value: number) =>
  `${constant} = ${value} is outside the valid range: degenerate, not run`;

/** Jobs for a single sweep: values ascending (degenerate ones included), scenarios in the given order. */
export function singleSweepSize(grid: Grid, scenarios: readonly Scenario[]): number {
  return (grid.values.length + grid.degenerate.length) * scenarios.length;
}

/** The jobs of a single sweep and how to read their results back as sweep points. */
export function singleSweepJobs(grid: Grid, scenarios: readonly Scenario[]) {
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
  const points = (scores: readonly PointScore[]): SweepPoint[] =>
    scores.map((s, i) => ({
      constant: grid.constant,
      value: values[Math.floor(i / scenarios.length)]!,
      ...s,
    }));
  return { jobs, points };
}

export function pairSweepSize(grid: PairGrid, scenarios: readonly Scenario[]): number {
  return grid.a.values.length * grid.b.values.length * scenarios.length;
}

/** The jobs of a pair sweep and how to read their results back as pair points. */
export function pairSweepJobs(grid: PairGrid, base: Constants, scenarios: readonly Scenario[]) {
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
  const points = (scores: readonly PointScore[]): PairPoint[] =>
    scores.map((s, i) => {
      const [valueA, valueB] = cells[Math.floor(i / scenarios.length)]!;
      return { constantA: grid.a.constant, valueA, constantB: grid.b.constant, valueB, ...s };
    });
  return { jobs, points };
}
