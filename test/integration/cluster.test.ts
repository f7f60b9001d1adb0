/**
 * A real three-master Redis Cluster: the CLI detects it, loads the scripts on every master, keeps each
 * scenario's keys on one slot, and gets exactly the points a standalone Redis gives; a standalone client
 * pointed at a cluster fails the run with MOVED instead of reporting results.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import { connectToUrl, type RedisHandle } from '../../src/redis/acquire.js';
import { factoredEvaluator } from '../../src/scenarios/evaluate-variants.js';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { defaultSeeds } from '../../src/scenarios/factory/seed-bank.js';
import { handCraftedScenarios } from '../../src/scenarios/hand-crafted.js';
import { runBuiltCli } from '../helpers/cli.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { testRedis } from '../helpers/redis.js';

let cluster: TestCluster;
let standalone: RedisHandle;
beforeAll(async () => {
  cluster = await startCluster(3);
  standalone = await testRedis();
}, 60_000);
afterAll(async () => {
  await standalone?.close();
  await cluster?.stop();
});

const scenarios = [...handCraftedScenarios(), ...defaultSeeds(8).map(createScenario)];
const variants = [
  {},
  { DECAY_RATE: 0.3 },
  { WF_MIN_THRESHOLD: 0.2 },
  { CO_OCCURRENCE_INITIAL_WEIGHT: 0.5, delta: 0.2 },
  { ACTED_CYCLE_STRENGTHEN_FACTOR: 2 },
].map((o) => withOverrides(defaultConstants(), o));

describe('Redis Cluster', () => {
  it('is detected from a node URL and gives the same points as a standalone Redis', async () => {
    const handle = await connectToUrl(cluster.url);
    try {
      expect(handle.description).toMatch(/cluster of 3 masters/);
      const onCluster = factoredEvaluator({ client: handle.client, redisKind: 'server', clock: () => 0 });
      const alone = factoredEvaluator({ client: standalone.client, redisKind: 'server', clock: () => 0 });
      const slots = new Set<number>();
      for (const scenario of scenarios) {
        const a = await onCluster.evaluateVariants(scenario, variants);
        const b = await alone.evaluateVariants(scenario, variants);
        expect(a.map((r) => r.status)).toEqual(b.map((r) => r.status));
        expect(a.map((r) => r.metrics)).toEqual(b.map((r) => r.metrics));
        expect(a.map((r) => r.rankingHash)).toEqual(b.map((r) => r.rankingHash));
      }
      // The runs were spread over the masters, and every key was removed afterwards.
      for (const port of cluster.ports) {
        const node = new Redis(port, '127.0.0.1');
        expect(await node.dbsize()).toBe(0);
        const commands = String(await node.info('commandstats'));
        if (/cmdstat_evalsha:calls=\d+/.test(commands)) slots.add(port);
        node.disconnect();
      }
      expect(slots.size).toBeGreaterThan(1);
    } finally {
      await handle.close();
    }
  });

  it('runs the ratchet CLI against the cluster with the same decisions as a standalone Redis', async () => {
    const results = mkdtempSync(join(tmpdir(), 'mr-cluster-'));
    const args = ['ratchet', '--seeds', '12', '--only', 'DECAY_RATE,WF_MIN_THRESHOLD,delta'];
    const common = ['--results-dir', results, '--quiet'];
    const onCluster = await runBuiltCli([...args, ...common, '--redis-url', cluster.url]);
    const alone = await runBuiltCli([...args, ...common]);
    expect(onCluster.code, onCluster.stderr).toBe(0);
    expect(alone.code, alone.stderr).toBe(0);
    const strip = (text: string) => text.replace(/ · \d+\.\d s/, '').replace(/redis: server/, '');
    expect(strip(onCluster.stdout)).toBe(strip(alone.stdout));
  });
});
