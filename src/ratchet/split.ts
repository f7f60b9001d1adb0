/** The train/validation split of scenarios, by seed id. Pure. */
import type { Scenario } from '../scenarios/scenario.js';

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
