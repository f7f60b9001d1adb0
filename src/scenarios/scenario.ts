/**
 * A scenario: a scenario script whose last query is the evaluated one, with graded ground truth (that
 * query's `relevance`). A run of it under some constants gives a `ScenarioResult`.
 */
import type { Grades, RankingMetrics } from '../metrics/ranking.js';
import type { QueryStep, ScenarioScript } from './script.js';

export interface Scenario {
  readonly name: string;
  readonly kind: 'hand-crafted' | 'generated';
  readonly script: ScenarioScript;
  /** For generated scenarios: the seed id it came from. */
  readonly seedId?: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export type ScenarioStatus = 'ok' | 'skipped-degenerate' | 'error';

export interface ScenarioResult {
  readonly scenario: string;
  readonly status: ScenarioStatus;
  /** Why it was skipped, or the error message. */
  readonly reason?: string;
  readonly rankedIds: readonly string[];
  readonly grades: Grades;
  readonly metrics: RankingMetrics | null;
  /** Calibration inputs, for scenarios that make predictions. */
  readonly predictions?: readonly number[];
  readonly outcomes?: readonly boolean[];
  readonly calibrationError: number | null;
  /** A short hash of the ranked ids, to tell whether a constant changed any ranking. */
  readonly rankingHash: string | null;
  readonly durationMs: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The evaluated query: the script's last query step. */
export function evaluatedQuery(script: ScenarioScript): QueryStep | undefined {
  for (let i = script.steps.length - 1; i >= 0; i--) {
    const step = script.steps[i]!;
    if (step.op === 'query') return step;
  }
  return undefined;
}

export function groundTruth(scenario: Scenario): Grades {
  return evaluatedQuery(scenario.script)?.relevance ?? {};
}

/** Why a scenario cannot be scored meaningfully, or undefined when it can. */
export function degenerateReason(scenario: Scenario): string | undefined {
  const query = evaluatedQuery(scenario.script);
  if (!query) return 'no query to evaluate';
  const relevant = Object.values(query.relevance ?? {}).filter((grade) => grade > 0).length;
  if (relevant < 3)
    return `only ${relevant} relevant record${relevant === 1 ? '' : 's'} (at least 3 are needed)`;
  const excluded = new Set(query.exclude ?? []);
  const retrievable = new Set(
    scenario.script.steps.flatMap((step) => (step.op === 'save' && !excluded.has(step.id) ? [step.id] : [])),
  );
  if (retrievable.size < 2) return `only ${retrievable.size} record to retrieve (at least 2 are needed)`;
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
