/**
 * Runs a scenario script against the memory engine on the script's simulated clock and collects each
 * query's ranking (and metrics, where the query grades relevance).
 */
import { numberConstant } from '../constants/values.js';
import type { MemoryEngine, RankedItem, WriteOp } from '../engine/engine.js';
import { ScenarioError } from '../errors.js';
import { type RankingMetrics, rankingMetrics } from '../metrics/ranking.js';
import type { AdvanceStep, RankingStep, ScenarioScript, Step } from './script.js';

/** ContextAssembler's default max_items. */
export const DEFAULT_MAX_ITEMS = 10;

export interface QueryResult {
  readonly label: string;
  /** Simulated epoch seconds when the query ran. */
  readonly at: number;
  readonly ranking: readonly RankedItem[];
  readonly metrics?: RankingMetrics;
}

export interface ReplayResult {
  readonly name: string;
  /** Ids whose save the write filter rejected, in order of first rejection. */
  readonly filtered: readonly string[];
  readonly queries: readonly QueryResult[];
}

/** Checks what depends on the run's constants: a link weight may not exceed the weight cap. */
export function checkScriptAgainstConstants(script: ScenarioScript, weightCap: number, source: string): void {
  script.steps.forEach((step, i) => {
    if (step.op === 'link' && step.weight !== undefined && step.weight > weightCap) {
      throw new ScenarioError(
        `${source}: steps[${i}].weight: ${step.weight} exceeds CO_OCCURRENCE_WEIGHT_CAP (${weightCap}); use a weight ≤ the cap`,
      );
    }
  });
}

/** A write step as the engine's write, at simulated time `now`. */
export function writeOp(step: Exclude<Step, RankingStep | AdvanceStep>, now: number): WriteOp {
  switch (step.op) {
    case 'save':
      return {
        op: 'save',
        record: {
          id: step.id,
          importance: step.importance,
          cycles: (step.cycles ?? []).map(
            ([period, amplitude, phase]) => [period, amplitude, phase ?? 0] as const,
          ),
          ...(step.discoveredCycles
            ? {
                discoveredCycles: step.discoveredCycles.map(
                  ([period, phase]) => [period, phase ?? 0] as const,
                ),
              }
            : {}),
          pressureRate: step.pressureRate ?? 0,
          ...(step.partition !== undefined ? { partition: step.partition } : {}),
        },
        now,
      };
    case 'touch':
      return { op: 'touch', id: step.id, now };
    case 'outcome':
      return { op: 'outcome', id: step.id, outcome: step.outcome, now };
    case 'predict':
      return { op: 'predict', id: step.id };
    case 'crystallize':
      return {
        op: 'crystallize',
        id: step.id,
        fingerprint: step.fingerprint,
        successes: step.successes,
        total: step.total,
        now,
      };
    case 'td':
      return { op: 'td', id: step.id, reward: step.reward, maxFutureQ: step.maxFutureQ ?? 0 };
    case 'link':
      return {
        op: 'link',
        a: step.a,
        b: step.b,
        ...(step.weight !== undefined ? { weight: step.weight } : {}),
      };
    case 'strengthen':
      return {
        op: 'strengthen',
        a: step.a,
        b: step.b,
        ...(step.delta !== undefined ? { delta: step.delta } : {}),
      };
    case 'weakenAll':
      return { op: 'weakenAll', id: step.id, ...(step.factor !== undefined ? { factor: step.factor } : {}) };
  }
}

/** A ranking step's result, with metrics when it grades relevance. */
function resultOf(step: RankingStep, at: number, ranking: readonly RankedItem[]): QueryResult {
  const metrics = step.relevance
    ? rankingMetrics(
        ranking.map((item) => item.id),
        step.relevance,
      )
    : undefined;
  return { label: step.label, at, ranking, ...(metrics ? { metrics } : {}) };
}

export async function replayScript(
  engine: MemoryEngine,
  script: ScenarioScript,
  source = script.name,
): Promise<ReplayResult> {
  checkScriptAgainstConstants(script, numberConstant(engine.constants, 'CO_OCCURRENCE_WEIGHT_CAP'), source);
  let now = script.clock;
  const rejected: string[] = [];
  const queries: QueryResult[] = [];
  // Writes are collected and sent as one batch before each query (and at the end): one script call runs
  // them in order, exactly as the single operations would.
  let pending: WriteOp[] = [];
  const barrier = async () => {
    const writes = pending;
    pending = [];
    if (writes.length === 0) return;
    const saved = await engine.write(writes);
    const saves = writes.filter((w): w is Extract<WriteOp, { op: 'save' }> => w.op === 'save');
    saves.forEach((w, i) => {
      if (!saved[i]) rejected.push(w.record.id);
    });
  };
  for (const step of script.steps) {
    if (step.op === 'advance') {
      now += step.seconds;
      continue;
    }
    if (step.op !== 'query' && step.op !== 'assemble') {
      pending.push(writeOp(step, now));
      continue;
    }
    switch (step.op) {
      case 'assemble': {
        await barrier();
        const ranking = await engine.assemble({
          now,
          weights: step.weights,
          maxItems: step.maxItems ?? DEFAULT_MAX_ITEMS,
          cues: step.cues ?? true,
          exclude: step.exclude ?? [],
          partition: step.partition ?? '',
          ...(step.maxTokens !== undefined ? { maxTokens: step.maxTokens, tokens: step.tokens ?? {} } : {}),
        });
        queries.push(resultOf(step, now, ranking));
        break;
      }
      case 'query': {
        await barrier();
        // Excluded ids (records already in the caller's context) are dropped after a limit raised by
        // their number, as the context assembler's exclusion headroom does.
        const exclude = new Set(step.exclude ?? []);
        const limit = step.limit + exclude.size;
        const ranked =
          step.method === 'topByDecay'
            ? await engine.topByDecay(limit, now, step.model ?? 'memory', step.partition ?? '')
            : await engine.composite({
                now,
                model: step.model ?? 'memory',
                partition: step.partition ?? '',
                weights: step.weights ?? {},
                limit,
                ...(step.boostFrom ? { boost: await engine.propagate(step.boostFrom) } : {}),
              });
        const ranking = ranked.filter((item) => !exclude.has(item.id)).slice(0, step.limit);
        queries.push(resultOf(step, now, ranking));
        break;
      }
    }
  }
  await barrier();
  // Keep each rejected id once, in step order.
  return { name: script.name, filtered: [...new Set(rejected)], queries };
}
