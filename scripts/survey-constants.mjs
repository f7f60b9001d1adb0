/**
 * A quick look at what each constant does to the generated scenarios: for every grid value, the mean nDCG@5
 * over the first N training scenarios of bank 0, overall and by ranking family (topic queries, the assembler
 * turn, the proactive call, the policy query), and the range over the grid. Reads nothing but the factory and
 * the engine; writes nothing. Run after `npm run build`:
 *
 *   node scripts/survey-constants.mjs redis://127.0.0.1:6391 [N=40] [NAME,NAME,...]
 *
 * Without names it surveys every Tier 1–3 constant the engine reads.
 */
import { Redis } from 'ioredis';
import { CONSTANTS } from '../lib/src/constants/registry.js';
import { defaultConstants, withOverrides } from '../lib/src/constants/values.js';
import { factoredEvaluator } from '../lib/src/scenarios/evaluate-variants.js';
import { createScenario } from '../lib/src/scenarios/factory/factory.js';
import { bankSeed } from '../lib/src/scenarios/factory/seed-bank.js';

const [url = 'redis://127.0.0.1:6379', count = '40', only] = process.argv.slice(2);
const names = only
  ? only.split(',')
  : CONSTANTS.filter((c) => [1, 2, 3].includes(c.tier) && c.engine.status === 'read').map((c) => c.name);
// Topic queries and the agent's turns count as one family each; every other ranking is its own.
const FAMILY = { policies: 'policy', 'assemble-first': 'assembler', assemble: 'assembler' };
const family = (label) => (label.startsWith('topic-') ? 'topics' : (FAMILY[label] ?? label));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

const client = new Redis(url);
try {
  const evaluator = factoredEvaluator({ client, redisKind: 'server', clock: () => 0 });
  const scenarios = Array.from({ length: Number(count) }, (_, i) => createScenario(bankSeed(0, 'train', i)));
  const base = defaultConstants();
  for (const name of names) {
    const grid = CONSTANTS.find((c) => c.name === name).grid;
    const overall = grid.map(() => []);
    const byFamily = grid.map(() => new Map());
    for (const scenario of scenarios) {
      const results = await evaluator.evaluateVariants(
        scenario,
        grid.map((value) => withOverrides(base, { [name]: value })),
      );
      results.forEach((result, k) => {
        if (result.status === 'error') throw new Error(`${scenario.name}: ${result.reason}`);
        if (result.status !== 'ok') return;
        overall[k].push(result.metrics['ndcg@5']);
        for (const query of result.queries) {
          const list = byFamily[k].get(family(query.label)) ?? [];
          list.push(query.metrics['ndcg@5']);
          byFamily[k].set(family(query.label), list);
        }
      });
    }
    const means = overall.map(mean);
    console.log(`${name}: range ${(Math.max(...means) - Math.min(...means)).toFixed(3)}`);
    grid.forEach((value, k) => {
      const families = [...byFamily[k]].map(([f, xs]) => `${f} ${mean(xs).toFixed(3)}`).join(', ');
      console.log(`  ${value}: ${means[k].toFixed(3)} (${families})`);
    });
  }
} finally {
  await client.quit();
}
