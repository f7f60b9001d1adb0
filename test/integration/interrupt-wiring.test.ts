/**
 * The ratchet's evaluator registers every fused run it opens for interrupt cleanup (and unregisters it when
 * the run closes), so a SIGTERM mid-evaluation removes that run's keys. Generated scenarios are evaluated in
 * one script call each and hold no keys between calls; scripts with queries between writes do (see
 * factored-segments.test.ts, which interrupts one), and this wiring is what reaches them from a ratchet job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConstant } from '../../src/constants/registry.js';
import { defaultConstants } from '../../src/constants/values.js';
import { jobEvaluator, type RatchetJob } from '../../src/jobs/ratchet-job.js';
import { PointsStore } from '../../src/points/store.js';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { ScenarioBank } from '../../src/scenarios/factory/scenario-bank.js';
import { testRedis } from '../helpers/redis.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe('interrupt cleanup wiring of a ratchet job', () => {
  it('registers each fused run it opens for cleanup and unregisters it once closed', async () => {
    const job = {
      constants: defaultConstants(),
      scope: [findConstant('DECAY_RATE')!],
      bank: 0,
      concurrency: 2,
    } as unknown as RatchetJob;
    let registered = 0;
    let unregistered = 0;
    const evaluator = jobEvaluator(
      job,
      new ScenarioBank(0),
      {
        store: new PointsStore(),
        redis: {
          ...redis,
          track: () => {
            registered++;
            return () => {
              unregistered++;
            };
          },
        },
      },
      { ms: () => 0, now: () => new Date(0) },
    );
    const points = await evaluator.run({ DECAY_RATE: 0.3 }, { role: 'train', from: 0, to: 4 });
    expect(points.every((p) => p.status === 'ok')).toBe(true);
    expect(registered).toBeGreaterThan(0);
    expect(unregistered).toBe(registered);
  });
});
