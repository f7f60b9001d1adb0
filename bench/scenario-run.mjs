// Benchmark: generating and running 100-record scenarios on a private redis-server (run `npm run build`
// first). Prints per-scenario generation and run times (median and p95 over the seeds).
import { performance } from 'node:perf_hooks';
import { defaultConstants } from '../lib/src/constants/values.js';
import { acquireRedis } from '../lib/src/redis/acquire.js';
import { engineEvaluator } from '../lib/src/scenarios/evaluate.js';
import { createScenario } from '../lib/src/scenarios/factory/factory.js';
import { defaultSeeds } from '../lib/src/scenarios/factory/seed-bank.js';

const redis = await acquireRedis({ url: process.env.REDIS_URL, allowEmbedded: false, searchPath: process.env.PATH });
const evaluator = engineEvaluator({ client: redis.client, redisKind: redis.kind, clock: () => performance.now() });
const constants = defaultConstants();
const seeds = defaultSeeds(50).map((seed) => ({ ...seed, recordCount: 100 }));
const generate = [];
const run = [];
let steps = 0;
for (const seed of seeds) {
  let t = performance.now();
  const scenario = createScenario(seed);
  generate.push(performance.now() - t);
  steps += scenario.script.steps.length;
  t = performance.now();
  const result = await evaluator.evaluate(scenario, constants);
  run.push(performance.now() - t);
  if (result.status === 'error') throw new Error(result.reason);
}
await redis.close();
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, p95 ${s[Math.floor(s.length * 0.95)].toFixed(1)} ms, max ${s.at(-1).toFixed(1)} ms`;
};
console.log(`100-record scenarios (${seeds.length} seeds, ${Math.round(steps / seeds.length)} steps on average, redis ${redis.kind})`);
console.log(`  generate: ${stats(generate)}`);
console.log(`  run on Redis (open, replay, query, close): ${stats(run)}`);
