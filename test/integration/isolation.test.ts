import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConstants } from '../../src/constants/values.js';
import { MemoryEngine } from '../../src/engine/engine.js';
import { acquireRedis, type RedisHandle } from '../../src/redis/acquire.js';
import type { ReplayResult } from '../../src/scenarios/replay.js';
import { FIDELITY_CASES } from '../fixtures/fidelity-cases.js';
import { runCase } from '../helpers/run-case.js';

// A private server, so that counting and scanning keys is ours to do.
let redis: RedisHandle;
const UNRELATED = 10_000;

beforeAll(async () => {
  redis = await acquireRedis({ allowEmbedded: false, searchPath: process.env.PATH });
  for (let i = 0; i < UNRELATED; i += 1000) {
    const pipeline = redis.client.pipeline();
    for (let j = i; j < i + 1000; j++) pipeline.set(`app:user:${j}`, `value-${j}`);
    await pipeline.exec();
  }
});
afterAll(async () => {
  await redis.close();
});

async function unrelatedValues(): Promise<(string | null)[]> {
  const keys = Array.from({ length: UNRELATED }, (_, i) => `app:user:${i}`);
  return redis.client.mget(...keys);
}

describe('isolation', () => {
  it('leaves 10,000 unrelated keys untouched and removes every key of its own', async () => {
    const before = await unrelatedValues();
    expect(await redis.client.dbsize()).toBe(UNRELATED);
    for (const testCase of FIDELITY_CASES) await runCase(redis, testCase);
    expect(await unrelatedValues()).toEqual(before);
    expect(await redis.client.dbsize()).toBe(UNRELATED);
    const [, own] = await redis.client.scan('0', 'MATCH', 'mr:*', 'COUNT', 100_000);
    expect(own).toEqual([]);
  });

  it('keeps every key under one hash-tagged namespace while running', async () => {
    const engine = await MemoryEngine.open(redis.client, defaultConstants());
    await engine.save({ id: 'a', importance: 0.5, cycles: [[604800, 0.5, 0]], pressureRate: 0.1 }, 1000);
    await engine.save({ id: 'b', importance: 0.8 }, 1000);
    await engine.link('a', 'b');
    const [, keys] = await redis.client.scan('0', 'MATCH', 'mr:*', 'COUNT', 100_000);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(key.startsWith(`${engine.namespace}:`)).toBe(true);
    expect(engine.namespace).toMatch(/^mr:\{[0-9a-f]{16}\}$/);
    // A killed run (no cleanup) still leaves nothing for long: every key expires within a day.
    for (const key of keys) {
      const ttl = await redis.client.pttl(key);
      expect(ttl, key).toBeGreaterThan(86_400_000 - 60_000);
      expect(ttl, key).toBeLessThanOrEqual(86_400_000);
    }
    await engine.close();
    expect(await redis.client.dbsize()).toBe(UNRELATED);
  });

  it('refuses a namespace that is already in use', async () => {
    const engine = await MemoryEngine.open(redis.client, defaultConstants(), 'mr:{taken}');
    await engine.save({ id: 'a', importance: 0.5 }, 0);
    await expect(MemoryEngine.open(redis.client, defaultConstants(), 'mr:{taken}')).rejects.toThrow(
      /already in use/,
    );
    await engine.close();
  });

  it('gives two concurrent replays on one Redis the same results as alone', async () => {
    const alone: ReplayResult[] = [];
    for (const testCase of FIDELITY_CASES) alone.push(await runCase(redis, testCase));
    const together = await Promise.all(
      FIDELITY_CASES.flatMap((testCase) => [runCase(redis, testCase), runCase(redis, testCase)]),
    );
    FIDELITY_CASES.forEach((_, i) => {
      expect(together[2 * i]).toEqual(alone[i]);
      expect(together[2 * i + 1]).toEqual(alone[i]);
    });
    expect(await redis.client.dbsize()).toBe(UNRELATED);
  });
});
