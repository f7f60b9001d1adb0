import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SweepResults } from '../../src/sweep/results.js';
import { runBuiltCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mr-factory-'));

describe('memory-ratchet seeds and scenario', () => {
  it('prints the scored scenarios of a bank with their roles as JSON', async () => {
    const run = await runBuiltCli(['seeds', '--json']);
    expect(run.code).toBe(0);
    const { seeds } = JSON.parse(run.stdout);
    expect(seeds).toHaveLength(50);
    expect(Object.keys(seeds[0])).toEqual([
      'seedId',
      'recordCount',
      'importanceShape',
      'accessPattern',
      'outcomeFrequency',
      'noiseRatio',
      'linkDensity',
      'ageSpreadDays',
      'role',
    ]);
    expect(seeds.filter((s: { role: string }) => s.role === 'train')).toHaveLength(35);
    expect(seeds[35]).toMatchObject({ role: 'validation', seedId: 1_000_000 });
    const text = await runBuiltCli(['seeds', '--n', '10', '--bank', '2']);
    expect(text.stdout).toMatch(/^seed bank 2: 10 scored scenarios, 7 train, 3 validation\n/);
    expect(text.stdout).toContain(' 20000000 ');
  });

  it('gives byte-identical scenario --json across three runs in separate processes', async () => {
    const args = ['scenario', '--seed', '3', '--json', '--set', 'DECAY_RATE=0.3'];
    const runs = await Promise.all([runBuiltCli(args), runBuiltCli(args), runBuiltCli(args)]);
    for (const run of runs) expect(run.code).toBe(0);
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    const json = JSON.parse(runs[0]!.stdout);
    expect(Object.keys(json)).toEqual(['seed', 'script', 'groundTruth', 'ranking', 'metrics', 'queries']);
    expect(json.seed.seedId).toBe(3);
    expect(json.ranking).toHaveLength(10);
    expect(json.metrics['ndcg@5']).toBeGreaterThanOrEqual(0);
    expect(json.queries.length).toBeGreaterThanOrEqual(1);
  });

  it('shows every ranking of a seed, in script order, with its grades and metrics', async () => {
    // Seed 1's topics have too few relevant records to score; its policy, procedures, facts and routines rankings
    // score it.
    const run = await runBuiltCli(['scenario', '--seed', '1', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.degenerate).toBeUndefined();
    const labels = json.queries.map((q: { label: string }) => q.label);
    expect(labels[0]).toBe('proactive');
    expect(labels.slice(-6)).toEqual([
      'policies',
      'procedures',
      'facts',
      'routines',
      'assemble-first',
      'assemble',
    ]);
    for (const query of json.queries.slice(-6, -2)) {
      expect(query.topic, query.label).toBeUndefined();
      expect(Object.keys(query.groundTruth).length, query.label).toBeGreaterThanOrEqual(3);
      expect(query.ranking.length, query.label).toBeGreaterThan(0);
      expect(query.metrics['ndcg@5'], query.label).toBeGreaterThan(0);
    }
  });

  it('rejects a seed id no bank draws', async () => {
    const run = await runBuiltCli(['scenario', '--seed', '3500000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--seed '3500000': expected a seed id as `memory-ratchet seeds` lists them/);
  });
});

describe('memory-ratchet sweep --parametric --seeds 50', () => {
  it('shows at least three modelled Tier 1–3 constants with range > 0.05 and a paired interval excluding zero', async () => {
    const out = join(dir, 'parametric.json');
    const run = await runBuiltCli([
      'sweep',
      '--parametric',
      '--seeds',
      '50',
      '--json',
      out,
      '--results-dir',
      join(dir, 'r'),
    ]);
    expect(run.code).toBe(0);
    const results: SweepResults = JSON.parse(readFileSync(out, 'utf8'));
    expect(results.run.scenarioSource).toBe('generated');
    expect(results.run.seeds).toHaveLength(50);
    const sensitive = results.summaries.filter(
      (s) =>
        s.range !== null && s.range.value > 0.05 && s.range.interval[0] > 0 && s.bestVsWorst?.excludesZero,
    );
    expect(sensitive.length).toBeGreaterThanOrEqual(3);
    expect(sensitive.map((s) => s.constant)).toContain('DECAY_RATE');
  }, 180_000);
});
