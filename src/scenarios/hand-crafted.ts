/** The three hand-crafted field-layer scenarios (scripts under `scenarios/`), the default for tier sweeps. */
import factualRecall from '../../scenarios/factual_recall.json' with { type: 'json' };
import multiStepReasoning from '../../scenarios/multi_step_reasoning.json' with { type: 'json' };
import temporalScheduling from '../../scenarios/temporal_scheduling.json' with { type: 'json' };
import { parseScenarioScript, validateScenarioScript } from './load-script.js';
import type { Scenario } from './scenario.js';

const SCRIPTS = {
  factual_recall: factualRecall,
  multi_step_reasoning: multiStepReasoning,
  temporal_scheduling: temporalScheduling,
} as const;

export function handCraftedScenarios(): Scenario[] {
  return Object.entries(SCRIPTS).map(([name, json]) => ({
    name,
    kind: 'hand-crafted' as const,
    // Validated like any script, so a broken file fails loudly with its position.
    script: validateScenarioScript(json, `scenarios/${name}.json`),
    metadata: { file: `scenarios/${name}.json` },
  }));
}

/** Every scenario script (`*.json`, by name) in a folder, validated; for `sweep --scenarios`. */
export function folderScenarios(
  folder: string,
  files: readonly { name: string; text: string }[],
): Scenario[] {
  return [...files]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ name, text }) => {
      const file = `${folder}/${name}`;
      return {
        name: name.replace(/\.json$/, ''),
        kind: 'hand-crafted' as const,
        script: parseScenarioScript(text, file),
        metadata: { file },
      };
    });
}
