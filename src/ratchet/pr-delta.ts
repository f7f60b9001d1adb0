/**
 * PR delta: for each constant whose value differs between the base and the head of a pull request, the head
 * value against the base value on the validation scenarios, paired, with a Holm-corrected verdict: improves
 * (H0: improvement ≤ threshold rejected), regresses (H0: loss ≤ threshold rejected), or no measurable effect.
 * Each constant's two one-sided sign-flip tests share its α (Bonferroni), Holm runs across constants. Pure
 * over an evaluator whose base constants are the head's.
 */
import type { ConstantValue } from '../constants/registry.js';
import type { Constants } from '../constants/values.js';
import type { ScenarioSlice } from '../scenarios/factory/scenario-bank.js';
import { type Interval, mean } from '../stats/bootstrap.js';
import {
  lowerBound,
  pAbove,
  pBelow,
  type SignFlipTest,
  signFlipTest,
  simultaneousIntervals,
  upperBound,
} from '../stats/sign-flip.js';
import type { PointScore } from '../sweep/runner.js';
import { signed } from '../util/numbers.js';
import type { RatchetEvaluator } from './ratchet.js';

export type DeltaVerdict = 'improves' | 'regresses' | 'no measurable effect';

export interface ConstantDelta {
  readonly constant: string;
  readonly base: ConstantValue;
  readonly head: ConstantValue;
  /** Mean per-scenario nDCG@5 of head − base on validation. */
  readonly delta: number | null;
  readonly interval: Interval | null;
  readonly verdict: DeltaVerdict;
  readonly reason: string;
  /**
   * Head − base within each ranking the change moves (the topic queries, the policies, …), largest first:
   * where it acts, which the scenario mean dilutes. Descriptive (95 % bootstrap intervals); the verdict uses
   * the scenario mean.
   */
  readonly byRanking?: readonly RankingDelta[];
}

export interface RankingDelta {
  readonly ranking: string;
  /** The validation scenarios that ask this ranking under both values. */
  readonly scenarios: number;
  /** Mean per-scenario nDCG@5 of head − base in this ranking. */
  readonly delta: number;
  /** Its sign-flip interval, 95 % simultaneous over the rankings asked (Bonferroni). */
  readonly interval: Interval;
}

/** Names whose values differ between the two constants objects. */
export function changedConstants(base: Constants, head: Constants): string[] {
  return Object.keys(head).filter((name) => base[name] !== undefined && base[name] !== head[name]);
}

const score = (p: PointScore | undefined) => (p?.status === 'ok' && p.metrics ? p.metrics['ndcg@5'] : null);

/** Head − base per ranking over the scenarios both points score, the rankings that moved, largest |Δ| first. */
function rankingDeltas(pairs: readonly (readonly [PointScore, PointScore])[], seed: string): RankingDelta[] {
  // Only scenarios that ask several rankings say where a change acts (one query each: the mean says it all).
  if (!pairs.some(([head]) => Object.keys(head.rankings ?? {}).length > 1)) return [];
  const deltas = new Map<string, number[]>();
  for (const [head, base] of pairs) {
    for (const [ranking, h] of Object.entries(head.rankings ?? {})) {
      const b = base.rankings?.[ranking];
      if (b === undefined) continue;
      const list = deltas.get(ranking);
      if (list) list.push(h - b);
      else deltas.set(ranking, [h - b]);
    }
  }
  const moved = [...deltas].filter(([, ds]) => ds.some((d) => d !== 0)).sort(([a], [b]) => (a < b ? -1 : 1));
  // 95 % together over every ranking asked (Bonferroni): reports single out the one that moved most.
  const intervals = simultaneousIntervals(moved, `${seed}:rankings`, { family: deltas.size });
  return moved
    .map(([ranking, ds], k) => ({ ranking, scenarios: ds.length, delta: mean(ds), interval: intervals[k]! }))
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.ranking < y.ranking ? -1 : 1));
}

export async function prDelta(
  evaluator: RatchetEvaluator,
  base: Constants,
  head: Constants,
  options: { threshold: number; alpha: number; seed: string; slice: ScenarioSlice },
): Promise<ConstantDelta[]> {
  const names = changedConstants(base, head);
  if (names.length === 0) return [];
  const [headScores, ...baseRuns] = await Promise.all([
    evaluator.run({}, options.slice),
    ...names.map((name) => evaluator.run({ [name]: base[name]! }, options.slice)),
  ]);
  const tests = new Map<string, { test: SignFlipTest; p: number; byRanking: RankingDelta[] }>();
  for (const [i, name] of names.entries()) {
    const baseScores = baseRuns[i]!;
    const pairs = headScores!.flatMap((h) => {
      const b = baseScores.find((x) => x.scenario === h.scenario);
      return score(h) === null || score(b) === null ? [] : [[h, b!] as const];
    });
    const deltas = pairs.map(([h, b]) => score(h)! - score(b)!);
    const test = signFlipTest(deltas, `${options.seed}:pr-delta:${name}`);
    const p = Math.min(1, 2 * Math.min(pAbove(test, options.threshold), pBelow(test, -options.threshold)));
    tests.set(name, { test, p, byRanking: rankingDeltas(pairs, `${options.seed}:pr-delta:${name}`) });
  }
  // Holm: ordered by p-value (ties by name), the k-th of m judged at α/(m − k + 1) until one fails.
  const ordered = [...tests].sort(([a, x], [b, y]) => x.p - y.p || (a < b ? -1 : 1));
  const levels = new Map<string, { level: number; significant: boolean }>();
  let rejecting = true;
  ordered.forEach(([name, { p }], k) => {
    const level = options.alpha / (ordered.length - k);
    rejecting = rejecting && p <= level;
    levels.set(name, { level, significant: rejecting });
  });
  const verdictOf = (name: string): ConstantDelta => {
    const { test } = tests.get(name)!;
    const judged = levels.get(name)!;
    const delta = test.n === 0 ? null : test.mean;
    const interval: Interval = [lowerBound(test, judged.level / 2), upperBound(test, judged.level / 2)];
    const common = {
      constant: name,
      base: base[name]!,
      head: head[name]!,
      delta,
      interval: delta === null ? null : interval,
    };
    if (delta === null)
      return { ...common, verdict: 'no measurable effect', reason: 'no validation scenario could be scored' };
    if (judged.significant && interval[0] > options.threshold) {
      return {
        ...common,
        verdict: 'improves',
        reason: `${signed(delta)} on ${test.n} validation scenarios, more than ${options.threshold} (sign-flip test, Holm)`,
      };
    }
    if (judged.significant && interval[1] < -options.threshold) {
      return {
        ...common,
        verdict: 'regresses',
        reason: `${signed(delta)} on ${test.n} validation scenarios, a loss of more than ${options.threshold} (sign-flip test, Holm)`,
      };
    }
    return {
      ...common,
      verdict: 'no measurable effect',
      reason: `${signed(delta)} on ${test.n} validation scenarios: within noise or within the threshold`,
    };
  };
  return names.map((name) => ({ ...verdictOf(name), byRanking: tests.get(name)!.byRanking }));
}
