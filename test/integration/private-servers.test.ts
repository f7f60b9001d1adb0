import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { defaultConstants, withOverrides } from '../../src/constants/values.js';
import { acquireRedis } from '../../src/redis/acquire.js';
import { factoredEvaluator, spreadEvaluator } from '../../src/scenarios/evaluate-variants.js';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { bankSeed } from '../../src/scenarios/factory/seed-bank.js';
import type { ScenarioResult } from '../../src/scenarios/scenario.js';
import { mapPool } from '../../src/util/pool.js';

const portOf = (description: string) => [...description.matchAll(/\d{4,5}/g)].map((m) => Number(m[0]));

describe('private redis-servers for one run', () => {
  it('starts as many servers as asked, each its own process, and stops them all on close', async () => {
    const handle = await acquireRedis({ servers: 2, allowEmbedded: false, searchPath: process.env.PATH });
    const ports = portOf(handle.description);
    expect(handle.description).toMatch(/^2 redis-servers on ports \d+, \d+$/);
    expect(handle.clients).toHaveLength(2);
    expect(new Set(ports).size).toBe(2);
    const ids = await Promise.all(
      handle.clients!.map(async (c) => (await c.info('server')).match(/run_id:(\w+)/)![1]),
    );
    expect(new Set(ids).size).toBe(2);
    await handle.close();
    for (const port of ports) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused, `port ${port} still listens`).toBe(true);
    }
  });

  it('one server by default: no client list', async () => {
    const handle = await acquireRedis({ allowEmbedded: false, searchPath: process.env.PATH });
    expect(handle.clients).toBeUndefined();
    expect(handle.description).toMatch(/^redis-server on port \d+$/);
    await handle.close();
  });

  it('spread over two servers, scenarios get the results one server gives, and both servers work', async () => {
    const handle = await acquireRedis({ servers: 2, allowEmbedded: false, searchPath: process.env.PATH });
    try {
      const base = defaultConstants();
      const variants = [
        base,
        withOverrides(base, { DECAY_RATE: 0.3 }),
        withOverrides(base, { TD_ALPHA: 0.5 }),
      ];
      const scenarios = Array.from({ length: 6 }, (_, i) => createScenario(bankSeed(0, 'train', i)));
      const one = factoredEvaluator({ client: handle.clients![0]!, redisKind: 'server', clock: () => 0 });
      const spread = spreadEvaluator(
        handle.clients!.map((client) => factoredEvaluator({ client, redisKind: 'server', clock: () => 0 })),
      );
      const calls = async () =>
        Promise.all(
          handle.clients!.map(async (c) =>
            Number((await c.info('stats')).match(/total_commands_processed:(\d+)/)![1]),
          ),
        );
      const before = await calls();
      const together = await mapPool(scenarios, 4, (s) => spread.evaluateVariants(s, variants));
      const after = await calls();
      const alone: ScenarioResult[][] = [];
      for (const s of scenarios) alone.push(await one.evaluateVariants(s, variants));
      const rankings = (rs: typeof alone) => rs.map((r) => r.map((x) => x.queries.map((q) => q.rankedIds)));
      expect(rankings(together)).toEqual(rankings(alone));
      // Each server ran some of the scenarios (the info calls themselves count one each).
      for (const [i, n] of after.entries()) expect(n - before[i]!).toBeGreaterThan(2);
    } finally {
      await handle.close();
    }
  });
});
