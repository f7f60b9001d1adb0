import type { Scenario } from '../../src/scenarios/scenario.js';
import type { QueryStep, Step } from '../../src/scenarios/script.js';

/** The scenario with a copy of every query asked at a third and at two thirds of its steps too. */
export function withEarlyQueries(scenario: Scenario): Scenario {
  const steps = scenario.script.steps;
  const queries = steps.filter((s): s is QueryStep => s.op === 'query');
  const writes = steps.filter((s) => s.op !== 'query');
  const at = [Math.floor(writes.length / 3), Math.floor((2 * writes.length) / 3)];
  const out: Step[] = [];
  writes.forEach((step, i) => {
    const k = at.indexOf(i);
    if (k >= 0) for (const q of queries) out.push({ ...q, label: `${q.label}@${k}` });
    out.push(step);
  });
  out.push(...queries);
  return { ...scenario, name: `${scenario.name}-segmented`, script: { ...scenario.script, steps: out } };
}
