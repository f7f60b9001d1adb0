import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SweepResults } from '../../src/sweep/results.js';
import { type CliRun, runBuiltCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mr-sweep-'));

/** The document without what legitimately differs between runs: timestamps and durations. */
function stable(results: SweepResults): unknown {
  return JSON.parse(
    JSON.stringify(results, (key, value) =>
      ['startedAt', 'finishedAt', 'wallSeconds', 'durationMs', 'durations'].includes(key) ? undefined : value,
    ),
  );
}

describe('memory-ratchet sweep on real Redis', () => {
  let first: SweepResults;
  let second: SweepResults;
  let run: CliRun;
  beforeAll(async () => {
    const args = (n: number) => [
      'sweep',
      '--tier',
      'all',
      '--interactions',
      '--json',
      join(dir, `out${n}.json`),
      '--results-dir',
      join(dir, `results${n}`),
    ];
    [run] = await Promise.all([runBuiltCli(args(1)), runBuiltCli(args(2))]);
    first = JSON.parse(readFileSync(join(dir, 'out1.json'), 'utf8'));
    second = JSON.parse(readFileSync(join(dir, 'out2.json'), 'utf8'));
  });

  it('prints the OPTIMAL VALUES table and a one-line summary', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^OPTIMAL VALUES \(mean nDCG@5 over 3 hand-crafted scenarios; 95% bootstrap intervals; redis: server\)/,
    );
    expect(run.stdout).toMatch(/\n {2}DECAY_RATE +0\.1 /);
    expect(run.stdout).toContain('Not swept:');
    expect(run.stdout).toContain('INTERACTIONS (mean nDCG@5 on 5×5 grids)');
    expect(run.stderr).toMatch(
      /^swept 25 constants and 8 pairs on 3 scenarios: \d+ evaluations \(\d+ ok, 0 skipped, 0 errors\) in [\d.]+ s; results in .*sweep_\d{8}_\d{6}\.json\n$/,
    );
  });

  it('holds one point per (constant, value, scenario) and per (pair, value a, value b, scenario)', () => {
    expect(first.run.scenarios).toEqual(['factual_recall', 'multi_step_reasoning', 'temporal_scheduling']);
    const keys = first.points.map((p) => `${p.constant}|${p.value}|${p.scenario}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const summary of first.summaries) {
      const expected = summary.values.length * 3;
      expect(
        first.points.filter((p) => p.constant === summary.constant),
        summary.constant,
      ).toHaveLength(expected);
      for (const v of summary.values) {
        for (const s of first.run.scenarios) expect(keys).toContain(`${summary.constant}|${v.value}|${s}`);
      }
    }
    const pairKeys = first.pairPoints.map(
      (p) => `${p.constantA}|${p.constantB}|${p.valueA}|${p.valueB}|${p.scenario}`,
    );
    expect(new Set(pairKeys).size).toBe(pairKeys.length);
    // Every interaction pair runs, the PolicyCache and ContextAssembler ones included.
    expect(first.pairs).toHaveLength(8);
    expect(first.pairPoints).toHaveLength(8 * 25 * 3);
    expect(first.pairsNotRun).toEqual([]);
    expect(first.evaluations.total).toBe(first.points.length + first.pairPoints.length);
  });

  it('gives identical JSON across two runs apart from timestamps and durations', () => {
    expect(stable(second)).toEqual(stable(first));
  });

  it('finds that DECAY_RATE, ACTED_CONFIDENCE_SIGNAL and CO_OCCURRENCE_INITIAL_WEIGHT change rankings', () => {
    for (const constant of ['DECAY_RATE', 'ACTED_CONFIDENCE_SIGNAL', 'CO_OCCURRENCE_INITIAL_WEIGHT']) {
      const points = first.points.filter((p) => p.constant === constant && p.status === 'ok');
      const changed = first.run.scenarios.some(
        (s) => new Set(points.filter((p) => p.scenario === s).map((p) => p.rankingHash)).size > 1,
      );
      expect(changed, constant).toBe(true);
      expect(first.summaries.find((s) => s.constant === constant)!.effect).not.toBe(
        'never-changes-a-ranking',
      );
    }
  });

  it('persists a timestamped file and latest.json with the same content', () => {
    const files = readdirSync(join(dir, 'results1')).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('latest.json');
    expect(files[1]).toMatch(/^sweep_\d{8}_\d{6}\.json$/);
    expect(readFileSync(join(dir, 'results1', files[0]!), 'utf8')).toBe(
      readFileSync(join(dir, 'results1', files[1]!), 'utf8'),
    );
    expect(first.schema).toBe('memory-ratchet/sweep@1');
    expect(first.tool.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(first.run.redis).toBe('server');
    expect(first.ndcgDefinition).toMatch(/^nDCG@k: graded linear gain/);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'an unknown constant in --only',
      ['--only', 'DECAY_RATE,DECAY_RAT'],
      /--only: unknown constant 'DECAY_RAT'\. Did you mean 'DECAY_RATE'/,
    ],
    [
      'a tier that does not exist',
      ['--tier', '7'],
      /--tier '7': tier '7' does not exist; use 1, 2, 3, a list such as 1,2, or all/,
    ],
    ['tier 4', ['--tier', '4'], /tier 4 \(the recipe layer\) is not modelled/],
    [
      'an unwritable --json path',
      ['--json', '/nonexistent-dir/out.json'],
      /--json '\/nonexistent-dir\/out\.json' cannot be written \(its directory does not exist\)/,
    ],
    [
      'a bad --cliff-threshold',
      ['--cliff-threshold', 'steep'],
      /--cliff-threshold 'steep': expected a number/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 before any work for ${what}`, async () => {
      const results = join(dir, `bad-${what.replaceAll(/\W/g, '')}`);
      const bad = await runBuiltCli(['sweep', '--results-dir', results, ...args]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(message);
      expect(bad.stdout).toBe('');
      expect(existsSync(results)).toBe(false);
    });
  }
});

describe('sweep over extra scenario folders', () => {
  it('runs the scripts of the configuration file’s scenarios folders beside the hand-crafted ones', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mr-scenarios-'));
    mkdirSync(join(cwd, '.github'));
    mkdirSync(join(cwd, 'mine'));
    copyFileSync('examples/scenarios/example.json', join(cwd, 'mine', 'example.json'));
    writeFileSync(join(cwd, '.github/memory-ratchet.yml'), 'scenarios: [mine]\n');
    const run = await runBuiltCli(['sweep', '--only', 'DECAY_RATE', '--json', '--results-dir', 'r'], {}, cwd);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout) as { run: { scenarios: string[] } };
    expect(document.run.scenarios).toEqual([
      'factual_recall',
      'multi_step_reasoning',
      'temporal_scheduling',
      'example',
    ]);
    const missing = await runBuiltCli(['sweep', '--only', 'DECAY_RATE', '--scenarios', 'nope'], {}, cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--scenarios 'nope': cannot read the folder/);
  }, 120_000);
});
