import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { FIDELITY_CASES } from '../fixtures/fidelity-cases.js';
import { testRedis } from '../helpers/redis.js';
import { runCase } from '../helpers/run-case.js';

let redis: RedisHandle;
beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await redis.close();
});

describe('engine fidelity on real Redis (expected scores from the formulas, 1e-12 relative)', () => {
  it('runs on a real redis-server', () => {
    expect(redis.kind).toBe('server');
  });
  for (const testCase of FIDELITY_CASES) {
    it(testCase.name, async () => {
      const result = await runCase(redis, testCase);
      testCase.check(result);
    });
  }
});
