/**
 * PR delta: for each constant whose value differs between the base and the head of a pull request, the head
 * value against the base value on the validation scenarios, paired, with a Holm-corrected verdict: improves,
 * regresses, or no measurable effect. Pure over an evaluator whose base constants are the head's.
 */
import type { ConstantValue } from '../constants/registry.js';
import type { Constants } from '../constants/values.js';
import type { Interval } from '../stats/bootstrap.js';
import type { PointScore } from '../sweep/runner.js';
import { signed } from '../util/numbers.js';
import type { RatchetEvaluator } from './ratchet.js';
import { holm, type PairedTest, pairedTest } from './statistics.js';

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
  options: { threshold: number; alpha: number; seed: string },
): Promise<ConstantDelta[]> {
  const names = changedConstants(base, head);
  if (names.length === 0) return [];
  const [headScores, ...baseRuns] = await Promise.all([
    evaluator.run({}, 'validation'),
    ...names.map((name) => evaluator.run({ [name]: base[name]! }, 'validation')),
  ]);
  const tests = new Map<string, PairedTest>();
  for (const [i, name] of names.entries()) {
    const baseScores = baseRuns[i]!;
    const deltas = headScores!.flatMap((h) => {
      const a = score(h);
      const b = score(baseScores.find((x) => x.scenario === h.scenario));
      return a === null || b === null ? [] : [a - b];
    });
    tests.set(name, pairedTest(deltas, `${options.seed}:pr-delta:${name}`));
  }
  const corrected = holm(tests, options.alpha);
  return names.map((name): ConstantDelta => {
    const test = tests.get(name)!;
    const judged = corrected.get(name)!;
    const delta = Number.isNaN(test.delta) ? null : test.delta;
    const common = {
      constant: name,
      base: base[name]!,
      head: head[name]!,
      delta,
      interval: delta === null ? null : judged.interval,
    };
    if (delta === null)
      return { ...common, verdict: 'no measurable effect', reason: 'no validation scenario could be scored' };
    if (judged.significant && delta > options.threshold) {
      return {
        ...common,
        verdict: 'improves',
        reason: `${signed(delta)} on validation, significant after Holm`,
      };
    }
    if (judged.significant && delta < -options.threshold) {
      return {
        ...common,
        verdict: 'regresses',
        reason: `${signed(delta)} on validation, significant after Holm`,
      };
    }
    return {
      ...common,
      verdict: 'no measurable effect',
      reason: `${signed(delta)} on validation: within noise or below the threshold`,
    };
  });
}
