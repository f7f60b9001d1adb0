/**
 * A scenario: a scenario script whose queries that grade `relevance` are the evaluated ones (a generated
 * scenario asks one per topic, a hand-crafted one asks one). Its score under some constants is the mean
 * metric over the evaluated queries that have enough relevant records.
 */

import type { Grades, RankingMetrics } from '../metrics/ranking.js';
import { memoByObject } from '../util/memo.js';
import type { RankingStep, ScenarioScript } from './script.js';

export interface Scenario {
  readonly name: string;
  readonly kind: 'hand-crafted' | 'generated';
  readonly script: ScenarioScript;
  /** For generated scenarios: the seed id it came from. */
  readonly seedId?: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export type ScenarioStatus = 'ok' | 'skipped-degenerate' | 'error';

export interface QueryOutcome {
  readonly label: string;
  readonly rankedIds: readonly string[];
  readonly grades: Grades;
  readonly metrics: RankingMetrics;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly status: ScenarioStatus;
  /** Why it was skipped, or the error message. */
  readonly reason?: string;
  /** Every evaluated query's ranking, grades and metrics. */
  readonly queries: readonly QueryOutcome[];
  /** The mean of the evaluated queries' metrics. */
  readonly metrics: RankingMetrics | null;
  /** Calibration inputs, for scenarios that make predictions. */
  readonly predictions?: readonly number[];
  readonly outcomes?: readonly boolean[];
  readonly calibrationError: number | null;
  /** A short hash of the evaluated rankings, to tell whether a constant changed any ranking. */
  readonly rankingHash: string | null;
  readonly durationMs: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export const MIN_RELEVANT = 3;

const isRanking = (step: ScenarioScript['steps'][number]): step is RankingStep =>
  step.op === 'query' || step.op === 'assemble';

const relevantCount = (query: RankingStep) =>
  Object.values(query.relevance ?? {}).filter((grade) => grade > 0).length;

/**
 * The queries (and assembler calls) that grade relevance for at least three records: the ones a scenario is
 * scored on.
 */
export function evaluatedQueries(script: ScenarioScript): RankingStep[] {
  return evaluatedOf(script);
}
// A script is immutable once made: its evaluated queries are worked out once (every evaluation asks).
const evaluatedOf = memoByObject((script: ScenarioScript) =>
  script.steps.flatMap((step) => (isRanking(step) && relevantCount(step) >= MIN_RELEVANT ? [step] : [])),
);

/** Why a scenario cannot be scored meaningfully, or undefined when it can. */
export function degenerateReason(scenario: Scenario): string | undefined {
  return degenerateOf(scenario.script);
}
const degenerateOf = memoByObject((script: ScenarioScript) => findDegenerateReason(script));

function findDegenerateReason(script: ScenarioScript): string | undefined {
  const graded = script.steps.flatMap((step) => (isRanking(step) && step.relevance ? [step] : []));
  if (graded.length === 0) return 'no query grades relevance';
  const evaluated = evaluatedQueries(script);
  if (evaluated.length === 0) {
    const most = Math.max(...graded.map(relevantCount));
    return `only ${most} relevant record${most === 1 ? '' : 's'} in any query (at least ${MIN_RELEVANT} are needed)`;
  }
  const saved = script.steps.flatMap((step) =>
    step.op === 'save' || step.op === 'crystallize' ? [step.id] : [],
  );
  const retrievable = evaluated.map((query) => {
    const excluded = new Set(query.exclude ?? []);
    return new Set(saved.filter((id) => !excluded.has(id))).size;
  });
  if (Math.max(...retrievable) < 2) return 'fewer than 2 records to retrieve';
  return undefined;
}

/** FNV-1a over the ranked ids: stable, short, and enough to tell rankings apart. */
export function rankingHash(ids: readonly string[]): string {
  let hash = 0x811c9dc5;
  const text = ids.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
