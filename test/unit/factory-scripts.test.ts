import { describe, expect, it } from 'vitest';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { defaultSeeds } from '../../src/scenarios/factory/seed-bank.js';
import { parseScenarioScript } from '../../src/scenarios/load-script.js';

describe('generated scripts', () => {
  it('are valid scenario scripts for every seed of a 100-seed bank', () => {
    for (const seed of defaultSeeds(100)) {
      const scenario = createScenario(seed);
      expect(() =>
        parseScenarioScript(JSON.stringify(scenario.script), `seed-${seed.seedId}.json`),
      ).not.toThrow();
    }
  });
});
