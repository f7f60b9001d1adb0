/**
 * The factored evaluator against the stored reference run: every point recorded by replaying each variant
 * alone on the single-variant engine (scripts/record-reference-points.mjs) must come back identical —
 * status, every metric to the last bit, and every ranking — on a real Redis.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConstantValue } from '../../src/constants/registry.js';
import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { engineEvaluator } from '../../src/scenarios/evaluate.js';
import { factoredEvaluator } from '../../src/scenarios/evaluate-variants.js';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { defaultSeeds } from '../../src/scenarios/factory/seed-bank.js';
import { handCraftedScenarios } from '../../src/scenarios/hand-crafted.js';
import type { Scenario } from '../../src/scenarios/scenario.js';
import { embeddedRedis, testRedis } from '../helpers/redis.js';

interface ReferencePoint {
  readonly scenario: string;
  readonly overrides: Record<string, ConstantValue>;
  readonly status: string;
  readonly metrics: Record<string, number> | null;
  readonly rankingHash: string | null;
  readonly rankings: string[];
}

const reference: ReferencePoint[] = JSON.parse(
  gunzipSync(readFileSync(new URL('../fixtures/reference-points.json.gz', import.meta.url))).toString('utf8'),
).points;

const scenarios = new Map<string, Scenario>(
  [...handCraftedScenarios(), ...defaultSeeds(12).map(createScenario)].map((s) => [s.name, s]),
);

let redis: RedisHandle;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe('factored evaluation reproduces the single-variant reference run', () => {
  it('covers hand-crafted and generated scenarios, every grid value and pair cell', () => {
    // 355 variants (the defaults, every grid value of each modelled constant, the pair cells) on each of
    // 15 scenarios.
    expect(reference.length).toBe(5325);
    expect(new Set(reference.map((p) => p.scenario)).size).toBe(15);
    // Every scenario is scored (each generated one has at least its policy query).
    expect(reference.filter((p) => p.status === 'ok').length).toBe(5325);
  });

  it('gives every point identically', async () => {
    const evaluator = factoredEvaluator({ client: redis.client, redisKind: redis.kind, clock: () => 0 });
    const base = defaultConstants();
    const byScenario = new Map<string, ReferencePoint[]>();
    for (const p of reference) byScenario.set(p.scenario, [...(byScenario.get(p.scenario) ?? []), p]);
    let compared = 0;
    for (const [name, points] of byScenario) {
      const scenario = scenarios.get(name)!;
      const results = await evaluator.evaluateVariants(
        scenario,
        points.map((p) => withOverrides(base, p.overrides)),
      );
      results.forEach((r, i) => {
        const want = points[i]!;
        const label = `${name} ${JSON.stringify(want.overrides)}`;
        expect(r.status, label).toBe(want.status);
        expect(r.metrics, label).toEqual(want.metrics);
        expect(r.rankingHash, label).toBe(want.rankingHash);
        expect(
          r.queries.map((q) => q.rankedIds.join(' ')),
          label,
        ).toEqual(want.rankings);
        compared++;
      });
    }
    expect(compared).toBe(reference.length);
  });

  it('gives the same points on the embedded emulator (a sample of the reference)', async () => {
    const embedded = await embeddedRedis();
    try {
      const evaluator = factoredEvaluator({ client: embedded.client, redisKind: 'embedded', clock: () => 0 });
      const sample = ['factual_recall', 'temporal_scheduling', 'seed-0', 'seed-3'];
      for (const name of sample) {
        const points = reference.filter((p) => p.scenario === name).filter((_, i) => i % 12 === 0);
        const results = await evaluator.evaluateVariants(
          scenarios.get(name)!,
          points.map((p) => withOverrides(defaultConstants(), p.overrides)),
        );
        expect(results.map((r) => r.metrics)).toEqual(points.map((p) => p.metrics));
        expect(results.map((r) => r.rankingHash)).toEqual(points.map((p) => p.rankingHash));
      }
    } finally {
      await embedded.close();
    }
  });

  it('agrees with a live single-variant replay on scripts whose queries sit between writes', async () => {
    const fused = factoredEvaluator({ client: redis.client, redisKind: redis.kind, clock: () => 0 });
    const single = engineEvaluator({ client: redis.client, redisKind: redis.kind, clock: () => 0 });
    const base = defaultConstants();
    const variants = [
      {},
      { DECAY_RATE: 0.5 },
      { WF_MIN_THRESHOLD: 0.3, CO_OCCURRENCE_INITIAL_WEIGHT: 0.5 },
      { ACTED_CYCLE_STRENGTHEN_FACTOR: 2, DECAY_CONFIDENCE_MODULATION_ENABLED: true },
    ].map((o) => withOverrides(base, o));
    for (const scenario of handCraftedScenarios()) {
      const got = await fused.evaluateVariants(scenario, variants);
      for (const [i, constants] of variants.entries()) {
        const want = await single.evaluate(scenario, constants);
        expect(got[i]!.metrics).toEqual(want.metrics);
        expect(got[i]!.rankingHash).toBe(want.rankingHash);
      }
    }
  });
});
