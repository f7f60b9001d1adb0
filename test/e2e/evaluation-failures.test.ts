/**
 * An evaluation error is never a result: with Redis killed mid-run or full, the ratchet exits 1 naming the
 * cause, and a standalone client on a cluster (MOVED) fails the run instead of calling constants degenerate.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConstants } from '../../src/constants/values.js';
import { EvaluationFailedError } from '../../src/errors.js';
import { PointsStore } from '../../src/points/store.js';
import { pointsEvaluator } from '../../src/ratchet/points-evaluator.js';
import { findRedisServer, type StartedServer, startRedisServer } from '../../src/redis/server.js';
import { factoredEvaluator } from '../../src/scenarios/evaluate-variants.js';
import { createScenario } from '../../src/scenarios/factory/factory.js';
import { defaultSeeds } from '../../src/scenarios/factory/seed-bank.js';
import type { Scenario } from '../../src/scenarios/scenario.js';
import { CLI } from '../helpers/cli.js';
import { startCluster } from '../helpers/cluster.js';
import { withEarlyQueries } from '../helpers/segmented.js';

let server: StartedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function privateServer(): Promise<StartedServer> {
  const executable = await findRedisServer(process.env.PATH ?? '');
  server = await startRedisServer(executable!);
  return server;
}

/** Starts the CLI; `during` runs once it has begun evaluating. */
function ratchet(
  url: string,
  during: () => Promise<void>,
  extra: readonly string[] = [],
  command = 'ratchet',
) {
  const results = mkdtempSync(join(tmpdir(), 'mr-fail-'));
  const child = spawn(
    process.execPath,
    [CLI, command, '--redis-url', url, '--results-dir', results, ...extra],
    {
      env: { PATH: process.env.PATH },
    },
  );
  let stderr = '';
  let stdout = '';
  let started = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
    const begin = Date.now();
    const poll = setInterval(async () => {
      if (started) return;
      // Evaluating has begun once the engine's scripts have been called.
      const client = new Redis(url);
      const stats = await client.info('commandstats').catch(() => '');
      client.disconnect();
      if (/cmdstat_evalsha:calls=[1-9]/.test(stats)) {
        started = true;
        clearInterval(poll);
        await during();
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr, ms: Date.now() - begin });
    });
  });
}

/** One training batch of the ratchet's evaluator on `client`. */
function trainRun(client: Redis, scenarios: Scenario[]) {
  const source = { slice: ({ from, to }: { from: number; to: number }) => scenarios.slice(from, to) };
  const evaluator = pointsEvaluator(source, defaultConstants(), new PointsStore(), {
    compute: factoredEvaluator({ client, redisKind: 'server', clock: () => 0 }),
  });
  return evaluator.run({ DECAY_RATE: 0.3 }, { role: 'train', from: 0, to: 7 });
}

/** A redis-server on a fixed port, so a test can shut it down and start it again where the client points. */
async function serverOnPort(port: number): Promise<{ stop: () => Promise<void> }> {
  const executable = (await findRedisServer(process.env.PATH ?? ''))!;
  const dir = mkdtempSync(join(tmpdir(), 'mr-restart-'));
  const child = spawn(
    executable,
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    const probe = new Redis({ port, lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => {});
    const up = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise((r) => child.once('exit', r));
  if (child.exitCode !== null) throw new Error(`redis-server could not start on port ${port}`);
  return {
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('Redis faults mid-run', () => {
  it('fails a sweep naming the cause, keeping the points it scored in a partial results file', async () => {
    const redis = await privateServer();
    const run = await ratchet(redis.url, () => redis.stop(), ['--parametric', '--seeds', '50'], 'sweep');
    expect(run.code).toBe(1);
    const partial =
      /partial results: (\d+) points scored before the failure are in (\S+sweep_partial_\d{8}_\d{6}\.json)/.exec(
        run.stderr,
      );
    expect(partial).not.toBeNull();
    const saved = JSON.parse(readFileSync(partial![2]!, 'utf8'));
    expect(saved).toMatchObject({ partial: true });
    expect(saved.points).toHaveLength(Number(partial![1]));
    for (const p of saved.points) expect(p.status).toBe('ok');
  }, 60_000);

  it('fails naming the closed connection when Redis restarts under the run (never continues on an empty one)', async () => {
    const probe = await privateServer();
    const port = probe.port;
    await probe.stop();
    server = undefined;
    let restarted = await serverOnPort(port);
    const run = await ratchet(`redis://127.0.0.1:${port}`, async () => {
      await restarted.stop();
      // The port may take a moment to free up: try again rather than fail inside the poll.
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          restarted = await serverOnPort(port);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    });
    await restarted.stop();
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /evaluations? failed \(first: scenario seed-\d+: .*(Connection is closed|ECONNREFUSED|ECONNRESET)/,
    );
  }, 60_000);

  it('fails naming the reset when its connection is killed (CLIENT KILL)', async () => {
    const redis = await privateServer();
    const run = await ratchet(redis.url, async () => {
      const admin = new Redis(redis.url);
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      admin.disconnect();
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /evaluations? failed \(first: scenario seed-\d+: .*(Connection is closed|ECONNRESET)/,
    );
  }, 60_000);

  it('carries on with the same scripts when they are flushed (SCRIPT FLUSH), and removes its keys', async () => {
    const redis = await privateServer();
    const run = await ratchet(redis.url, async () => {
      const admin = new Redis(redis.url);
      await admin.script('FLUSH');
      admin.disconnect();
    }, ['--only', 'DECAY_RATE,WF_MIN_THRESHOLD']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('RATCHET SUMMARY');
    const admin = new Redis(redis.url);
    expect(await admin.dbsize()).toBe(0);
    admin.disconnect();
  }, 60_000);
});

describe('evaluation errors fail the run', () => {
  it('exits 1 at the overall deadline, naming it, when Redis is paused', async () => {
    const redis = await privateServer();
    let pausedAt = 0;
    const run = await ratchet(redis.url, async () => {
      pausedAt = Date.now();
      process.kill(redis.pid!, 'SIGSTOP');
    }, ['--timeout', '3']);
    const afterPause = Date.now() - pausedAt;
    process.kill(redis.pid!, 'SIGCONT');
    expect(run.code).toBe(1);
    expect(afterPause).toBeLessThan(3000 + 5000);
    expect(run.stderr).toMatch(
      /memory-ratchet: error: the run did not finish within --timeout 3 s; no decision was made/,
    );
  }, 60_000);

  it('exits 1 within the command timeout naming it when Redis stops answering (paused)', async () => {
    const redis = await privateServer();
    const run = await ratchet(redis.url, async () => {
      process.kill(redis.pid!, 'SIGSTOP');
    }, ['--command-timeout', '2']);
    process.kill(redis.pid!, 'SIGCONT');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /memory-ratchet: error: \d+ evaluations? failed \(first: scenario seed-\d+: Command timed out: Redis did not answer within the command timeout/,
    );
    expect(run.stdout).not.toContain('RATCHET SUMMARY');
  }, 60_000);

  it('exits 1 naming the cause when Redis is killed mid-run', async () => {
    const redis = await privateServer();
    const run = await ratchet(redis.url, () => redis.stop());
    expect(run.code).toBe(1);
    // What was computed before the failure is kept, in a points file a rerun resumes from.
    const partial =
      /partial results: (\d+) points computed before the failure are in (\S+ratchet_partial_\d{8}_\d{6}\.json)/.exec(
        run.stderr,
      );
    expect(partial).not.toBeNull();
    const saved = JSON.parse(readFileSync(partial![2]!, 'utf8'));
    expect(saved.points).toHaveLength(Number(partial![1]));
    expect(run.stderr).toMatch(
      /memory-ratchet: error: \d+ evaluations? failed \(first: scenario seed-\d+: .*(Connection is closed|ECONNREFUSED|ECONNRESET)/,
    );
    expect(run.stdout).not.toContain('RATCHET SUMMARY');
  });

  it('fails naming OOM when Redis is full and the evaluation must keep state in keys', async () => {
    // Queries between writes: the states are kept in Redis keys between calls, and a full Redis
    // (noeviction) refuses those writes.
    const redis = await privateServer();
    const client = new Redis(redis.url);
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    await client.config('SET', 'maxmemory', '1');
    try {
      const scenarios = defaultSeeds(10).map(createScenario).map(withEarlyQueries);
      const failure = trainRun(client, scenarios);
      await expect(failure).rejects.toBeInstanceOf(EvaluationFailedError);
      await expect(failure).rejects.toThrow(
        /evaluations? failed \(first: scenario seed-\d+-segmented: .*OOM/,
      );
    } finally {
      client.disconnect();
    }
  });

  it('fails with MOVED when a standalone client is pointed at a cluster', async () => {
    const cluster = await startCluster(3);
    const client = new Redis(cluster.url);
    try {
      const scenarios = defaultSeeds(10).map(createScenario);
      const failure = trainRun(client, scenarios);
      await expect(failure).rejects.toBeInstanceOf(EvaluationFailedError);
      await expect(failure).rejects.toThrow(/MOVED/);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });
});
