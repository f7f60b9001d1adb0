// Records the reference points the factored evaluator must reproduce bit for bit: every grid value of every
// Tier 1–3 constant and every interaction-pair cell, on the hand-crafted scenarios and on a generated bank,
// evaluated by replaying each variant alone on a real Redis (the unoptimised single-variant engine).
// Usage: node scripts/record-reference-points.mjs REDIS_URL OUT.json
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { CONSTANTS, INTERACTION_PAIRS } from '../lib/src/constants/registry.js';
import { defaultConstants, withOverrides } from '../lib/src/constants/values.js';
import { pairGrid, singleGrid } from '../lib/src/sweep/grid.js';
import { engineEvaluator } from '../lib/src/scenarios/evaluate.js';
import { createScenario } from '../lib/src/scenarios/factory/factory.js';
import { defaultSeeds } from '../lib/src/scenarios/factory/seed-bank.js';
import { handCraftedScenarios } from '../lib/src/scenarios/hand-crafted.js';

const [url, out] = process.argv.slice(2);
const client = new Redis(url);
const evaluator = engineEvaluator({ client, redisKind: 'server', clock: () => 0 });
const base = defaultConstants();
const scenarios = [...handCraftedScenarios(), ...defaultSeeds(12).map(createScenario)];
const modelled = CONSTANTS.filter(
  (spec) => spec.engine.status === 'read' && spec.kind !== 'bool' && spec.grid.length > 0,
);
const variants = [{}];
for (const spec of modelled) {
  for (const value of singleGrid(spec.name, base).values) variants.push({ [spec.name]: value });
}
for (const [a, b] of INTERACTION_PAIRS) {
  if (![a, b].every((name) => modelled.some((spec) => spec.name === name))) continue;
  const grid = pairGrid(a, b, base);
  for (const x of grid.a.values) for (const y of grid.b.values) variants.push({ [a]: x, [b]: y });
}
// Changes across all three stages at once, and the modulation switch.
variants.push(
  { DECAY_RATE: 0.3, WF_MIN_THRESHOLD: 0.2, ACTED_CONFIDENCE_SIGNAL: 0.5, delta: 0.2, CO_OCCURRENCE_DECAY_PER_HOP: 0.9 },
  { DECAY_CONFIDENCE_MODULATION_ENABLED: true, DECAY_CONFIDENCE_MODULATION_STRENGTH: 1.5 },
  { DECAY_CONFIDENCE_MODULATION_ENABLED: true, INITIAL_CONFIDENCE: 0.3, CO_OCCURRENCE_INITIAL_WEIGHT: 0.5 },
);
const points = [];
for (const scenario of scenarios) {
  for (const overrides of variants) {
    const r = await evaluator.evaluate(scenario, withOverrides(base, overrides));
    points.push({
      scenario: scenario.name,
      overrides,
      status: r.status,
      metrics: r.metrics,
      rankingHash: r.rankingHash,
      rankings: r.queries.map((q) => q.rankedIds.join(' ')),
    });
  }
}
writeFileSync(out, `${JSON.stringify({ recordedWith: 'single-variant replay', points })}\n`);
console.log(`${points.length} points`);
await client.quit();
