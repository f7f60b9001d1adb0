/**
 * Scripts whose queries sit between writes, and long scripts sent in slices: the fused run keeps each
 * variant's state in Redis keys between calls and loads it again. Every ranking must equal a replay of that
 * variant alone on the single-variant engine, and no key may outlive the evaluation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSTANTS } from '../../src/constants/registry.js';
import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { engineEvaluator } from '../../src/scenarios/evaluate.js';
import { factoredEvaluator, segmentScript } from '../../src/scenarios/evaluate-variants.js';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { defaultSeeds } from '../../src/scenarios/factory/seed-bank.js';
import { singleGrid } from '../../src/sweep/grid.js';
import { testRedis } from '../helpers/redis.js';
import { withEarlyQueries } from '../helpers/segmented.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await redis?.close();
});

const base = defaultConstants();
const variants = [
  base,
  ...CONSTANTS.filter(
    (s) => [1, 2, 3].includes(s.tier as number) && s.engine.status === 'read' && s.grid.length > 0,
  )
    .flatMap((spec) =>
      singleGrid(spec.name, base)
        .values.filter((_, i) => i % 2 === 0)
        .map((v) => ({ [spec.name]: v })),
    )
    .map((o) => withOverrides(base, o)),
  withOverrides(base, { DECAY_CONFIDENCE_MODULATION_ENABLED: true, WF_MIN_THRESHOLD: 0.3, delta: 0.2 }),
];

describe('fused runs that continue their states across calls', () => {
  const scenarios = defaultSeeds(6)
    .map(createScenario)
    .filter((s) => !('degenerate' in s && s.degenerate))
    .slice(0, 3)
    .map(withEarlyQueries);

  it('has scripts of three segments', () => {
    for (const s of scenarios) expect(segmentScript(s.script)).toHaveLength(3);
  });

  for (const slice of [undefined, 97]) {
    it(`ranks every query as a replay of each variant alone (${slice ? `slices of ${slice} writes` : 'one call per segment'})`, async () => {
      const fused = factoredEvaluator({
        client: redis.client,
        redisKind: redis.kind,
        clock: () => 0,
        ...(slice ? { maxWritesPerCall: slice } : {}),
      });
      const single = engineEvaluator({ client: redis.client, redisKind: redis.kind, clock: () => 0 });
      const keysBefore = await redis.client.dbsize();
      for (const scenario of scenarios) {
        const got = await fused.evaluateVariants(scenario, variants);
        for (const [i, constants] of variants.entries()) {
          const want = await single.evaluate(scenario, constants);
          expect(got[i]!.status).toBe('ok');
          expect(got[i]!.queries.map((q) => [q.label, q.rankedIds])).toEqual(
            want.queries.map((q) => [q.label, q.rankedIds]),
          );
          expect(got[i]!.metrics).toEqual(want.metrics);
        }
      }
      expect(await redis.client.dbsize()).toBe(keysBefore);
    });
  }

  it('registers each open run for interrupt cleanup, which removes its keys mid-run', async () => {
    const keysBefore = await redis.client.dbsize();
    let registered = 0;
    let unregistered = 0;
    let sawKeys = false;
    // An "interrupt" at the second call: the run holds state keys by then; its cleanup must drop them.
    const interrupting = factoredEvaluator({
      client: redis.client,
      redisKind: redis.kind,
      clock: () => 0,
      maxWritesPerCall: 97,
      track: (cleanup) => {
        registered++;
        const timer = setInterval(async () => {
          if ((await redis.client.dbsize()) > keysBefore) {
            sawKeys = true;
            clearInterval(timer);
            await cleanup();
          }
        }, 1);
        return () => {
          clearInterval(timer);
          unregistered++;
        };
      },
    });
    const results = await interrupting.evaluateVariants(scenarios[0]!, variants);
    expect(registered).toBe(1);
    expect(unregistered).toBe(1);
    expect(await redis.client.dbsize()).toBe(keysBefore);
    // Interrupted mid-run, it reports errors (which fail a ratchet) rather than rankings.
    expect(sawKeys).toBe(true);
    expect(results.every((r) => r.status === 'error')).toBe(true);
  });
});
