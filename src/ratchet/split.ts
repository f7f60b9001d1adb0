/**
 * SplitRunner's evaluator: scenarios split by seed id into train and validation, each evaluation run on the
 * memory engine and cached by the effective constants, so the current value is scored once per scenario.
 */
import type { ConstantValue } from '../constants/registry.js';
import { type Constants, withOverrides } from '../constants/values.js';
import { errorMessage } from '../errors.js';
import type { Evaluator } from '../scenarios/evaluate.js';
import type { Scenario } from '../scenarios/scenario.js';
import { notRun, type PointScore, pointScore } from '../sweep/runner.js';
import { mapPool } from '../util/pool.js';
import type { RatchetEvaluator, Split } from './ratchet.js';

export interface SplitScenarios {
  readonly train: readonly Scenario[];
  readonly validation: readonly Scenario[];
}

/** Seeds below ⌊fraction·n⌋ train, the rest validate: deterministic, by seed id, no shuffling. */
export function splitScenarios(scenarios: readonly Scenario[], fraction: number): SplitScenarios {
  const cut = Math.floor(fraction * scenarios.length);
  const byId = [...scenarios].sort((a, b) => (a.seedId ?? 0) - (b.seedId ?? 0));
  return { train: byId.slice(0, cut), validation: byId.slice(cut) };
}

export interface SplitEvaluatorOptions {
  readonly concurrency?: number;
  /** Called after each scenario evaluation with the total done so far. */
  readonly onEvaluated?: (done: number) => void;
}

export function splitEvaluator(
  evaluator: Evaluator,
  split: SplitScenarios,
  constants: Constants,
  options: SplitEvaluatorOptions = {},
): RatchetEvaluator & { readonly evaluations: () => number } {
  const cache = new Map<string, Promise<readonly PointScore[]>>();
  let done = 0;
  const evaluate = async (scenario: Scenario, effective: Constants): Promise<PointScore> => {
    try {
      return pointScore(await evaluator.evaluate(scenario, effective));
    } catch (error) {
      return { ...notRun(scenario.name, errorMessage(error)), status: 'error' };
    } finally {
      options.onEvaluated?.(++done);
    }
  };
  return {
    evaluations: () => done,
    run(overrides: Readonly<Record<string, ConstantValue>>, which: Split) {
      const effective = withOverrides(constants, overrides);
      const changed = Object.keys(effective)
        .filter((name) => effective[name] !== constants[name])
        .sort()
        .map((name) => [name, effective[name]]);
      const key = `${which}:${JSON.stringify(changed)}`;
      let result = cache.get(key);
      if (!result) {
        result = mapPool(split[which], options.concurrency ?? 8, (scenario) => evaluate(scenario, effective));
        cache.set(key, result);
      }
      return result;
    },
  };
}
