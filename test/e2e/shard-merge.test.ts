/**
 * Sharding: four shards computed in separate processes and merged give the unsharded run's decisions and
 * every point; a repeated run reuses its points file and runs nothing; merge refuses incomplete or mixed
 * shard sets with the reason.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mr-shards-'));
const job = [
  'ratchet',
  '--constants',
  'examples/detuned/constants.py',
  '--seeds',
  '30',
  '--only',
  'DECAY_RATE,WF_MIN_THRESHOLD,CO_OCCURRENCE_INITIAL_WEIGHT,ACTED_CONFIDENCE_SIGNAL',
  '--results-dir',
  dir,
  '--quiet',
];
const file = (name: string) => join(dir, name);
const read = (name: string) => JSON.parse(readFileSync(file(name), 'utf8'));
/** A report without timings (durations, timestamps), which are the only things allowed to differ. */
function comparable(report: Record<string, unknown>) {
  const strip = (points: { durationMs?: number }[]) => points.map(({ durationMs: _, ...rest }) => rest);
  const points = report.points as { train: { durationMs?: number }[]; validation: { durationMs?: number }[] };
  return {
    decisions: report.decisions,
    verdict: report.verdict,
    diff: report.diff,
    train: strip(points.train),
    validation: strip(points.validation),
  };
}

describe('shards and merge', () => {
  it('merged shards equal the unsharded run, decisions and every point', async () => {
    const whole = await runBuiltCli([...job, '--json', file('whole.json')]);
    expect(whole.code, whole.stderr).toBe(0);
    const shards = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        runBuiltCli([...job, '--shard', `${i}/4`, '--points', file(`shard-${i}.json`)]),
      ),
    );
    for (const shard of shards) expect(shard.code, shard.stderr).toBe(0);
    const merged = await runBuiltCli([
      'merge',
      ...[1, 2, 3, 4].map((i) => file(`shard-${i}.json`)),
      '--json',
      file('merged.json'),
      '--results-dir',
      dir,
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    const a = read('whole.json');
    const b = read('merged.json');
    // The detuned file has changes to accept, so a second round runs and the merge computes its points.
    expect(a.accepted.length).toBeGreaterThan(0);
    expect(Math.max(...a.decisions.map((d: { round: number }) => d.round))).toBe(2);
    expect(merged.stderr).toMatch(/computed \d+ points the shards could not foresee/);
    expect(comparable(b)).toEqual(comparable(a));
    expect(merged.stdout.replace(/ · [\d.]+ s/, '').replace(/redis: \w+/, '')).toBe(
      whole.stdout.replace(/ · [\d.]+ s/, '').replace(/redis: \w+/, ''),
    );
    // `--json` alone prints the merged report on stdout instead of the text.
    const printed = await runBuiltCli([
      'merge',
      ...[1, 2, 3, 4].map((i) => file(`shard-${i}.json`)),
      '--results-dir',
      dir,
      '--json',
    ]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(comparable(JSON.parse(printed.stdout))).toEqual(comparable(a));
  });

  it('a repeated run reuses its points file and evaluates nothing', async () => {
    const first = await runBuiltCli([...job, '--points', file('reuse.json'), '--json', file('first.json')]);
    expect(first.code, first.stderr).toBe(0);
    const second = await runBuiltCli([...job, '--points', file('reuse.json'), '--json', file('second.json')]);
    expect(second.code, second.stderr).toBe(0);
    expect(read('first.json').compute.engineRuns).toBeGreaterThan(0);
    expect(read('second.json').compute.engineRuns).toBe(0);
    expect(comparable(read('second.json'))).toEqual(comparable(read('first.json')));
  });

  it('refuses a missing shard, a duplicate and shards of another run', async () => {
    const shard = (i: number) => file(`shard-${i}.json`);
    const missing = await runBuiltCli(['merge', shard(1), shard(2), shard(4), '--results-dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('shard 3/4 missing');
    const twice = await runBuiltCli([
      'merge',
      shard(1),
      shard(1),
      shard(2),
      shard(3),
      shard(4),
      '--results-dir',
      dir,
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/are both shard 1\/4/);
    const other = await runBuiltCli([
      ...job.slice(0, 4),
      '19',
      ...job.slice(5),
      '--shard',
      '2/4',
      '--points',
      file('other-2.json'),
    ]);
    expect(other.code, other.stderr).toBe(0);
    const mixed = await runBuiltCli([
      'merge',
      shard(1),
      file('other-2.json'),
      shard(3),
      shard(4),
      '--results-dir',
      dir,
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('comes from a different run');
    const bad = await runBuiltCli([...job, '--shard', '5/4', '--points', file('x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--shard '5/4'");
  });
});
