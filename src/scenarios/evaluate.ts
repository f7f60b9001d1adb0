/**
 * Runs scenarios on the memory engine: one engine run (one namespace) per evaluation, closed afterwards.
 * Errors become results with status "error"; degenerate scenarios are skipped with their reason.
 */
import type { Constants } from '../constants/values.js';
import { MemoryEngine, type RedisClient } from '../engine/engine.js';
import { errorMessage } from '../errors.js';
import { expectedCalibrationError } from '../metrics/calibration.js';
import { meanMetrics, rankingMetrics } from '../metrics/ranking.js';
import type { RedisKind } from '../redis/acquire.js';
import { replayScript } from './replay.js';
import {
  degenerateReason,
  evaluatedQueries,
  type QueryOutcome,
  rankingHash,
  type Scenario,
  type ScenarioResult,
} from './scenario.js';

export interface Evaluator {
  readonly redisKind: RedisKind;
  evaluate(scenario: Scenario, constants: Constants): Promise<ScenarioResult>;
}

export interface EngineEvaluatorOptions {
  readonly client: RedisClient;
  readonly redisKind: RedisKind;
  /** Milliseconds, for durations only (never for scoring). */
  readonly clock: () => number;
}

/** The result of a scenario that was not scored: skipped as degenerate, or failed. */
export function unscored(
  scenario: Scenario,
  status: 'skipped-degenerate' | 'error',
  reason: string,
  ms: number,
): ScenarioResult {
  return {
    scenario: scenario.name,
    status,
    reason,
    queries: [],
    metrics: null,
    calibrationError: null,
    rankingHash: null,
    durationMs: ms,
    metadata: scenario.metadata,
  };
}

/** The result of a scored scenario from each query label's ranked ids (the first query of a label counts). */
export function scoredResult(
  scenario: Scenario,
  rankings: ReadonlyMap<string, readonly string[]>,
  ms: number,
  metadata: Readonly<Record<string, unknown>> = scenario.metadata,
): ScenarioResult {
  const queries: QueryOutcome[] = evaluatedQueries(scenario.script).map((step) => {
    const rankedIds = rankings.get(step.label) ?? [];
    const grades = step.relevance ?? {};
    return { label: step.label, rankedIds, grades, metrics: rankingMetrics(rankedIds, grades) };
  });
  return {
    scenario: scenario.name,
    status: 'ok',
    queries,
    metrics: meanMetrics(queries.map((q) => q.metrics)),
    calibrationError: expectedCalibrationError([], []),
    rankingHash: rankingHash(queries.flatMap((q) => [q.label, ...q.rankedIds])),
    durationMs: ms,
    metadata,
  };
}

export function engineEvaluator({ client, redisKind, clock }: EngineEvaluatorOptions): Evaluator {
  return {
    redisKind,
    async evaluate(scenario, constants) {
      const degenerate = degenerateReason(scenario);
      if (degenerate) return unscored(scenario, 'skipped-degenerate', degenerate, 0);
      const started = clock();
      let engine: MemoryEngine | undefined;
      try {
        engine = await MemoryEngine.open(client, constants);
        const replay = await replayScript(engine, scenario.script, scenario.name);
        const rankings = new Map<string, string[]>();
        for (const q of replay.queries) {
          if (!rankings.has(q.label))
            rankings.set(
              q.label,
              q.ranking.map((item) => item.id),
            );
        }
        return scoredResult(scenario, rankings, clock() - started, {
          ...scenario.metadata,
          filtered: replay.filtered.length,
        });
      } catch (error) {
        return unscored(scenario, 'error', errorMessage(error), clock() - started);
      } finally {
        await engine?.close();
      }
    },
  };
}
