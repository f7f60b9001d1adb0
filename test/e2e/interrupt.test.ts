import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRedis } from '../../src/redis/acquire.js';
import { CLI } from '../helpers/cli.js';

function childRedisServers(parentPid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parentPid), 'redis-server'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function longScript(): string {
  // Saves are pipelined; the queries in between are barriers that keep the run busy for seconds.
  const steps = Array.from({ length: 30_000 }, (_, i) =>
    i % 1000 === 999
      ? { op: 'query', label: `q${i}`, weights: { decay: 1 }, limit: 5 }
      : { op: 'save', id: `r${i}`, importance: 0.5 },
  );
  const path = join(mkdtempSync(join(tmpdir(), 'mr-int-')), 'long.json');
  writeFileSync(path, JSON.stringify({ name: 'long', clock: 0, steps }));
  return path;
}

/**
 * Runs the CLI with these arguments until it has started `servers` private redis-servers (or a few seconds
 * have passed), lets it work `workMs` more, then sends SIGTERM: the exit code, stderr and the servers seen.
 */
async function interruptOnceServing(args: string[], servers: number, workMs: number) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let seen: number[] = [];
  for (let i = 0; i < 400 && seen.length < servers; i++) {
    await new Promise((r) => setTimeout(r, 25));
    seen = childRedisServers(child.pid!);
  }
  await new Promise((r) => setTimeout(r, workMs));
  child.kill('SIGTERM');
  return { code: await exited, stderr, servers: seen };
}

describe('interrupting the CLI', () => {
  it('removes its keys from a Redis it was given on SIGTERM', async () => {
    const redis = await acquireRedis({ allowEmbedded: false, searchPath: process.env.PATH });
    try {
      await redis.client.set('someone-else', 'kept');
      const url = `redis://127.0.0.1:${(redis.description.match(/port (\d+)/) ?? [])[1]}`;
      const child = spawn(process.execPath, [CLI, 'replay', longScript(), '--redis-url', url], {
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      for (let i = 0; i < 200 && (await redis.client.dbsize()) < 3; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(await redis.client.dbsize()).toBeGreaterThan(2);
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(await redis.client.dbsize()).toBe(1);
      expect(await redis.client.get('someone-else')).toBe('kept');
    } finally {
      await redis.close();
    }
  });

  for (const command of [
    ['ratchet', '--only', 'DECAY_RATE,WF_MIN_THRESHOLD,delta'],
    ['sweep', '--parametric', '--seeds', '30'],
  ]) {
    it(`leaves no key of its own on a Redis it was given after SIGTERM during ${command[0]}`, async () => {
      const redis = await acquireRedis({ allowEmbedded: false, searchPath: process.env.PATH });
      try {
        await redis.client.set('someone-else', 'kept');
        const url = `redis://127.0.0.1:${(redis.description.match(/port (\d+)/) ?? [])[1]}`;
        const results = mkdtempSync(join(tmpdir(), 'mr-int-results-'));
        const child = spawn(
          process.execPath,
          [CLI, ...command, '--redis-url', url, '--results-dir', results],
          {
            stdio: 'ignore',
          },
        );
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        // Interrupt once the engine is evaluating (its scripts are being called).
        for (let i = 0; i < 400; i++) {
          const stats = await redis.client.info('commandstats');
          if (/cmdstat_evalsha:calls=[1-9]/.test(stats)) break;
          await new Promise((r) => setTimeout(r, 25));
        }
        child.kill('SIGTERM');
        expect(await exited).toBe(143);
        expect(await redis.client.dbsize()).toBe(1);
        expect(await redis.client.get('someone-else')).toBe('kept');
      } finally {
        await redis.close();
      }
    }, 60_000);
  }

  it('stops every private redis-server a ratchet started (--redis-servers 2) on SIGTERM and exits 143', async () => {
    const results = mkdtempSync(join(tmpdir(), 'mr-int-results-'));
    const run = await interruptOnceServing(
      ['ratchet', '--only', 'DECAY_RATE,WF_MIN_THRESHOLD', '--redis-servers', '2', '--results-dir', results],
      2,
      500,
    );
    expect(run.servers).toHaveLength(2);
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('SIGTERM: stopping');
    for (const pid of run.servers) expect(alive(pid), `redis-server ${pid}`).toBe(false);
  }, 60_000);

  it('stops the private redis-server it started on SIGTERM and exits 143', async () => {
    const run = await interruptOnceServing(['replay', longScript()], 1, 300);
    expect(run.servers).toHaveLength(1);
    expect(run.code).toBe(143);
    expect(run.stderr).toContain('SIGTERM: stopping');
    expect(alive(run.servers[0]!)).toBe(false);
  });
});
