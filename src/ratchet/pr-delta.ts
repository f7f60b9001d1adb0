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
import type { Interval } from '../stats/bootstrap.js';
import {
  lowerBound,
  pAbove,
  pBelow,
  type SignFlipTest,
  signFlipTest,
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
}

/** Names whose values differ between the two constants objects. */
export function changedConstants(base: Constants, head: Constants): string[] {
  return Object.keys(head).filter((name) => base[name] !== undefined && base[name] !== head[name]);
}

const score = (p: PointScore | undefined) => (p?.status === 'ok' && p.metrics ? p.metrics['ndcg@5'] : null);

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
  const tests = new Map<string, { test: SignFlipTest; p: number }>();
  for (const [i, name] of names.entries()) {
    const baseScores = baseRuns[i]!;
    const deltas = headScores!.flatMap((h) => {
      const a = score(h);
      const b = score(baseScores.find((x) => x.scenario === h.scenario));
      return a === null || b === null ? [] : [a - b];
    });
    const test = signFlipTest(deltas, `${options.seed}:pr-delta:${name}`);
    const p = Math.min(1, 2 * Math.min(pAbove(test, options.threshold), pBelow(test, -options.threshold)));
    tests.set(name, { test, p });
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
  return names.map((name): ConstantDelta => {
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
  });
}
