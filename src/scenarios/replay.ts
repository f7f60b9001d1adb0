/**
 * Runs a scenario script against the memory engine on the script's simulated clock and collects each
 * query's ranking (and metrics, where the query grades relevance).
 */
import { numberConstant } from '../constants/values.js';
import type { MemoryEngine, RankedItem } from '../engine/engine.js';
import { ScenarioError } from '../errors.js';
import { type RankingMetrics, rankingMetrics } from '../metrics/ranking.js';
import type { ScenarioScript } from './script.js';

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

/** Checks what depends on the run's constants (the scripts' own shape was checked when loading). */
export function checkScriptAgainstConstants(
  script: ScenarioScript,
  engine: MemoryEngine,
  source: string,
): void {
  const cap = numberConstant(engine.constants, 'CO_OCCURRENCE_WEIGHT_CAP');
  script.steps.forEach((step, i) => {
    if (step.op === 'link' && step.weight !== undefined && step.weight > cap) {
      throw new ScenarioError(
        `${source}: steps[${i}].weight: ${step.weight} exceeds CO_OCCURRENCE_WEIGHT_CAP (${cap}); use a weight ≤ the cap`,
      );
    }
  });
}

export async function replayScript(
  engine: MemoryEngine,
  script: ScenarioScript,
  source = script.name,
): Promise<ReplayResult> {
  checkScriptAgainstConstants(script, engine, source);
  let now = script.clock;
  const rejected: string[] = [];
  const queries: QueryResult[] = [];
  // Writes are sent without waiting for each reply: one connection keeps their order, and every query
  // waits for all earlier writes first. A failed write fails the replay at the next barrier.
  let pending: Promise<unknown>[] = [];
  const send = (write: Promise<unknown>) => {
    write.catch(() => undefined);
    pending.push(write);
  };
  const barrier = async () => {
    const writes = pending;
    pending = [];
    await Promise.all(writes);
  };
  for (const step of script.steps) {
    switch (step.op) {
      case 'save': {
        const id = step.id;
        const save = engine.save(
          {
            id,
            importance: step.importance,
            cycles: (step.cycles ?? []).map(
              ([period, amplitude, phase]) => [period, amplitude, phase ?? 0] as const,
            ),
            pressureRate: step.pressureRate ?? 0,
          },
          now,
        );
        send(
          save.then((saved) => {
            if (!saved) rejected.push(id);
          }),
        );
        break;
      }
      case 'advance':
        now += step.seconds;
        break;
      case 'touch':
        send(engine.touch(step.id, now));
        break;
      case 'outcome':
        send(engine.outcome(step.id, step.outcome, now));
        break;
      case 'link':
        send(engine.link(step.a, step.b, step.weight));
        break;
      case 'strengthen':
        send(engine.strengthen(step.a, step.b, step.delta));
        break;
      case 'weakenAll':
        send(engine.weakenAll(step.id, step.factor));
        break;
      case 'query': {
        await barrier();
        // Excluded ids (records already in the caller's context) are dropped after a limit raised by
        // their number, as the context assembler's exclusion headroom does.
        const exclude = new Set(step.exclude ?? []);
        const limit = step.limit + exclude.size;
        const ranked =
          step.method === 'topByDecay'
            ? await engine.topByDecay(limit, now)
            : await engine.composite({
                now,
                weights: step.weights ?? {},
                limit,
                ...(step.boostFrom ? { boost: await engine.propagate(step.boostFrom) } : {}),
              });
        const ranking = ranked.filter((item) => !exclude.has(item.id)).slice(0, step.limit);
        const metrics = step.relevance
          ? rankingMetrics(
              ranking.map((item) => item.id),
              step.relevance,
            )
          : undefined;
        queries.push({ label: step.label, at: now, ranking, ...(metrics ? { metrics } : {}) });
        break;
      }
    }
  }
  await barrier();
  // Replies arrive in command order, so `rejected` is in step order; keep each id once.
  return { name: script.name, filtered: [...new Set(rejected)], queries };
}
