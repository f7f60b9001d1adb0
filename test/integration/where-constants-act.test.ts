/**
 * Where a constant acts, on the real engine: a sweep's per-ranking view names the ranking a constant shapes,
 * and leaves every ranking it cannot reach at exactly zero.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConstants } from '../../src/constants/values.js';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { factoredEvaluator, type VariantsEvaluator } from '../../src/scenarios/evaluate-variants.js';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { bankSeed } from '../../src/scenarios/factory/seed-bank.js';
import { aggregateSweep } from '../../src/sweep/aggregate.js';
import { runJobs, type SweepPoint } from '../../src/sweep/runner.js';
import { testRedis } from '../helpers/redis.js';

let redis: RedisHandle;
let evaluator: VariantsEvaluator;
beforeAll(async () => {
  redis = await testRedis();
  evaluator = factoredEvaluator({ client: redis.client, redisKind: redis.kind, clock: () => 0 });
});
afterAll(async () => {
  await redis.close();
});

async function sweepOf(name: string, values: readonly number[], seeds: number) {
  const scenarios = Array.from({ length: seeds }, (_, i) => createScenario(bankSeed(0, 'train', i)));
  const jobs = values.flatMap((value) =>
    scenarios.map((scenario) => ({ overrides: { [name]: value }, scenario })),
  );
  const scores = await runJobs(evaluator, defaultConstants(), jobs);
  const points: SweepPoint[] = scores.map((score, i) => ({
    ...score,
    constant: name,
    value: jobs[i]!.overrides[name]!,
  }));
  return aggregateSweep(name, defaultConstants()[name]!, points);
}

describe('where a constant acts (real Redis, 12 generated scenarios)', () => {
  it('TD_ALPHA moves the policies ranking only: every other ranking stays exactly where it was', async () => {
    // TD updates change the policy cache's expected values, which only the policy query ranks by.
    const summary = await sweepOf('TD_ALPHA', [0.01, 0.2, 1], 12);
    const [top, ...rest] = summary.byRanking!;
    expect(top!.ranking).toBe('policies');
    expect(top!.range).toBeGreaterThan(0);
    expect(rest.length).toBeGreaterThanOrEqual(4);
    for (const other of rest) expect(other.range).toBe(0);
    // Diluted by the rankings it cannot reach, the scenario mean moves less.
    expect(summary.range!.value).toBeLessThan(top!.range);
  });
});
