import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { FIDELITY_CASES } from '../fixtures/fidelity-cases.js';
import { embeddedRedis, testRedis } from '../helpers/redis.js';
import { runCase } from '../helpers/run-case.js';

let real: RedisHandle;
let embedded: RedisHandle;
beforeAll(async () => {
  real = await testRedis();
  embedded = await embeddedRedis();
});
afterAll(async () => {
  await real.close();
  await embedded.close();
});

describe('the embedded emulator agrees with real Redis on every fidelity script', () => {
  for (const testCase of FIDELITY_CASES) {
    it(testCase.name, async () => {
      const server = await runCase(real, testCase);
      const emulated = await runCase(embedded, testCase);
      expect(emulated.filtered).toEqual(server.filtered);
      expect(emulated.queries.map((q) => q.ranking.map((i) => i.id))).toEqual(
        server.queries.map((q) => q.ranking.map((i) => i.id)),
      );
      server.queries.forEach((query, i) => {
        query.ranking.forEach((item, j) => {
          const other = emulated.queries[i]!.ranking[j]!.score;
          expect(Math.abs(other - item.score)).toBeLessThanOrEqual(
            1e-12 * Math.max(Math.abs(item.score), 1e-300),
          );
        });
      });
      testCase.check(emulated);
    });
  }
});
