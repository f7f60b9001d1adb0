/**
 * Runs scenarios on the memory engine: one engine run (one namespace) per evaluation, closed afterwards.
 * Errors become results with status "error"; degenerate scenarios are skipped with their reason.
 */
import type { Constants } from '../constants/values.js';
import { MemoryEngine, type RedisClient } from '../engine/engine.js';
import { errorMessage } from '../errors.js';
import { expectedCalibrationError } from '../metrics/calibration.js';
import { rankingMetrics } from '../metrics/ranking.js';
import type { RedisKind } from '../redis/acquire.js';
import { replayScript } from './replay.js';
import {
  degenerateReason,
  groundTruth,
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

function skipped(scenario: Scenario, status: 'skipped-degenerate' | 'error', reason: string, ms: number) {
  return {
    scenario: scenario.name,
    status,
    reason,
    rankedIds: [],
    grades: groundTruth(scenario),
    metrics: null,
    calibrationError: null,
    rankingHash: null,
    durationMs: ms,
    metadata: scenario.metadata,
  } satisfies ScenarioResult;
}

export function engineEvaluator({ client, redisKind, clock }: EngineEvaluatorOptions): Evaluator {
  return {
    redisKind,
    async evaluate(scenario, constants) {
      const degenerate = degenerateReason(scenario);
      if (degenerate) return skipped(scenario, 'skipped-degenerate', degenerate, 0);
      const started = clock();
      let engine: MemoryEngine | undefined;
      try {
        engine = await MemoryEngine.open(client, constants);
        const replay = await replayScript(engine, scenario.script, scenario.name);
        const evaluated = replay.queries.at(-1)!;
        const rankedIds = evaluated.ranking.map((item) => item.id);
        const grades = groundTruth(scenario);
        return {
          scenario: scenario.name,
          status: 'ok',
          rankedIds,
          grades,
          metrics: rankingMetrics(rankedIds, grades),
          calibrationError: expectedCalibrationError([], []),
          rankingHash: rankingHash(rankedIds),
          durationMs: clock() - started,
          metadata: { ...scenario.metadata, filtered: replay.filtered.length },
        };
      } catch (error) {
        return skipped(scenario, 'error', errorMessage(error), clock() - started);
      } finally {
        await engine?.close();
      }
    },
  };
}
