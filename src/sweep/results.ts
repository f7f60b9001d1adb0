/**
 * The persisted sweep results document: run metadata, every summary and every per-scenario point.
 * Documented in docs/results-format.md. Pure.
 */

import { type CodeDefault, codeDefaultsOf } from '../constants/code-defaults.js';
import type { Tier } from '../constants/registry.js';
import type { Constants } from '../constants/values.js';
import { NDCG_DEFINITION } from '../metrics/ranking.js';
import type { RedisKind } from '../redis/acquire.js';

import { VERSION } from '../version.js';
import type { ConstantSummary, PairSummary } from './aggregate.js';
import type { NotSwept, SweepPlan } from './plan.js';
import { type EvaluationCounts, evaluationCounts, type PairPoint, type SweepPoint } from './runner.js';
import type { SweepExecution } from './sweep.js';

export const SWEEP_SCHEMA = 'memory-ratchet/sweep@1';

export interface SweepRunMeta {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallSeconds: number;
  readonly redis: RedisKind;
  readonly scenarioSource: 'hand-crafted' | 'generated';
  readonly scenarios: readonly string[];
  readonly seeds: readonly number[] | null;
  readonly tiers: readonly Tier[];
  readonly only: readonly string[] | null;
  readonly interactions: boolean;
  readonly cliffThreshold: number;
  readonly bootstrap: { readonly resamples: number; readonly seed: string };
  readonly constantsFile: string | null;
}

export interface SweepResults {
  readonly schema: typeof SWEEP_SCHEMA;
  readonly tool: { readonly name: 'memory-ratchet'; readonly version: string };
  readonly ndcgDefinition: string;
  readonly run: SweepRunMeta;
  readonly constants: Constants;
  readonly evaluations: EvaluationCounts;
  readonly summaries: readonly ConstantSummary[];
  /** The swept constants whose default is a literal in popoto's code, and where it lives. */
  readonly codeDefaults: readonly CodeDefault[];
  readonly notSwept: readonly NotSwept[];
  readonly pairs: readonly PairSummary[];
  readonly pairsNotRun: SweepPlan['pairsNotRun'];
  readonly points: readonly SweepPoint[];
  readonly pairPoints: readonly PairPoint[];
}

export function buildSweepResults(
  run: SweepRunMeta,
  constants: Constants,
  plan: SweepPlan,
  execution: SweepExecution,
): SweepResults {
  const all = [...execution.points, ...execution.pairPoints];
  return {
    schema: SWEEP_SCHEMA,
    tool: { name: 'memory-ratchet', version: VERSION },
    ndcgDefinition: NDCG_DEFINITION,
    run,
    constants,
    evaluations: evaluationCounts(all),
    summaries: execution.summaries,
    codeDefaults: codeDefaultsOf(execution.summaries.map((s) => s.constant)),
    notSwept: plan.notSwept,
    pairs: execution.pairSummaries,
    pairsNotRun: plan.pairsNotRun,
    points: execution.points,
    pairPoints: execution.pairPoints,
  };
}

/** `sweep_YYYYMMDD_HHMMSS` in UTC. */
export function timestampedName(prefix: string, at: Date): string {
  const iso = at.toISOString();
  return `${prefix}_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}`;
}
