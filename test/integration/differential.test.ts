import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConstants } from '../../src/constants/values.js';
import { MemoryEngine } from '../../src/engine/engine.js';
import type { RedisHandle } from '../../src/redis/acquire.js';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { defaultSeeds } from '../../src/scenarios/factory/seed-bank.js';
import { handCraftedScenarios } from '../../src/scenarios/hand-crafted.js';
import { parseScenarioScript } from '../../src/scenarios/load-script.js';
import { type ReplayResult, replayScript } from '../../src/scenarios/replay.js';
import type { ScenarioScript } from '../../src/scenarios/script.js';
import { FIDELITY_CASES } from '../fixtures/fidelity-cases.js';
import { embeddedRedis, testRedis } from '../helpers/redis.js';
import { runCase } from '../helpers/run-case.js';

/** Same rankings, and scores within 1e-12 relative, in every query. */
function expectSameReplay(emulated: ReplayResult, server: ReplayResult): void {
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
}

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
      expectSameReplay(emulated, server);
      testCase.check(emulated);
    });
  }
});

describe('the embedded emulator agrees with real Redis on the bundled and generated scripts', () => {
  const scripts: [string, () => ScenarioScript][] = [
    [
      'examples/scenarios/example.json',
      () => parseScenarioScript(readFileSync('examples/scenarios/example.json', 'utf8')),
    ],
    ...handCraftedScenarios().map((s): [string, () => ScenarioScript] => [s.name, () => s.script]),
    ...defaultSeeds(50)
      .filter((seed) => [0, 3, 13, 45].includes(seed.seedId))
      .map((seed): [string, () => ScenarioScript] => [
        `generated seed ${seed.seedId}`,
        () => createScenario(seed).script,
      ]),
  ];
  for (const [name, load] of scripts) {
    it(name, async () => {
      const script = load();
      const run = async (redis: RedisHandle) => {
        const engine = await MemoryEngine.open(redis.client, defaultConstants());
        try {
          return await replayScript(engine, script);
        } finally {
          await engine.close();
        }
      };
      const [server, emulated] = [await run(real), await run(embedded)];
      expectSameReplay(emulated, server);
    });
  }
});
