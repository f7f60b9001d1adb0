import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RatchetReport } from '../../src/report/ratchet-report.js';
import { type CliRun, runBuiltCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mr-ratchet-'));

function stable(report: RatchetReport): unknown {
  return JSON.parse(
    JSON.stringify(report, (key, value) =>
      ['startedAt', 'finishedAt', 'durationSeconds', 'durationMs', 'durations'].includes(key)
        ? undefined
        : value,
    ),
  );
}

const T123 = [
  'DECAY_RATE',
  'INITIAL_CONFIDENCE',
  'WF_MIN_THRESHOLD',
  'ACTED_CONFIDENCE_SIGNAL',
  'CONTRADICTED_CONFIDENCE_SIGNAL',
];

describe('memory-ratchet ratchet on the example constants (50 seeds, real Redis)', () => {
  let run: CliRun;
  let first: RatchetReport;
  let second: RatchetReport;
  beforeAll(async () => {
    const args = (n: number) => [
      'ratchet',
      '--constants',
      'examples/popoto/constants.py',
      '--json',
      join(dir, `r${n}.json`),
      '--diff',
      join(dir, `r${n}.diff`),
      '--markdown',
      join(dir, `r${n}.md`),
      '--results-dir',
      join(dir, `results${n}`),
    ];
    [run] = await Promise.all([runBuiltCli(args(1)), runBuiltCli(args(2))]);
    first = JSON.parse(readFileSync(join(dir, 'r1.json'), 'utf8'));
    second = JSON.parse(readFileSync(join(dir, 'r2.json'), 'utf8'));
  }, 240_000);

  it('prints the RATCHET SUMMARY and reports every Tier 1–3 constant', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^RATCHET SUMMARY\n===============\nbank 0 · 35 train, \d+ validation \(budget 365\), \d+ confirmation scenarios/,
    );
    expect(run.stdout).toContain('Proposed changes (validated on held-out scenarios):');
    expect(run.stdout).toMatch(
      /Reproduce: npx memory-ratchet ratchet --constants examples\/popoto\/constants\.py --bank 0 --seeds 50 --max-seeds 400 --confirm-seeds 60/,
    );
    expect(first.decisions).toHaveLength(26);
    for (const d of first.decisions) {
      expect(['ACCEPT', 'REJECT', 'NO_SENSITIVITY', 'NOT_READ', 'NOT_MODELLED', 'DEGENERATE']).toContain(
        d.action,
      );
      expect(d.reason.length).toBeGreaterThan(5);
      expect(typeof d.edgeOfGrid).toBe('boolean');
    }
    expect(first.notRead).toEqual(['CHI_SQUARED_P_THRESHOLD']);
    expect(first.points.train.length).toBeGreaterThan(1000);
    expect(first.points.validation.length).toBeGreaterThan(0);
  });

  it('scores 50 scenarios, replacing degenerate draws, and names them', () => {
    expect(first.run.trainSeeds).toHaveLength(35);
    expect(first.run.validationSeeds.length).toBeGreaterThanOrEqual(15);
    expect(first.run.validationSeeds.slice(0, 15)).toEqual(
      first.run.validationSeeds.slice(0, 15).sort((a, b) => a - b),
    );
    for (const r of first.run.degenerate) expect(r.reason).toMatch(/relevant record|records to retrieve/);
    const scored = new Set(first.points.train.map((p) => p.scenario));
    expect(scored.size).toBe(35);
    for (const p of first.points.train) expect(p.status).toBe('ok');
  });

  it('accepts only confirmed changes, nearest the current value within their near-optimal interval, off grid edges', () => {
    const accepted = first.decisions.filter((d) => d.action === 'ACCEPT');
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    for (const d of accepted) {
      expect(d.confirmation).toMatchObject({ scenarios: 60, confirmed: true });
      const { from, to } = d.nearOptimal!;
      expect(d.proposed!).toBeGreaterThanOrEqual(from);
      expect(d.proposed!).toBeLessThanOrEqual(to);
      const current = Number(d.current);
      const needed = Math.min(Math.max(current, from), to);
      expect(d.proposed).toBe(needed);
      if (d.edgeOfGrid) expect(d.edgeStop).toBe('range-end');
    }
    for (const d of first.decisions.filter(
      (x) => x.action === 'REJECT' && x.proposed === null && x.nearOptimal,
    ))
      expect(Number(d.current)).toBeGreaterThanOrEqual(d.nearOptimal!.from);
  });

  it('finds at least three sensitive Tier 1–3 constants', () => {
    const sensitive = first.decisions.filter(
      (d) =>
        d.train?.range &&
        d.train.range.value > 0.05 &&
        d.train.range.interval[0] > 0 &&
        d.train.bestVsWorst?.excludesZero,
    );
    expect(sensitive.length).toBeGreaterThanOrEqual(3);
    expect(sensitive.map((d) => d.constant).some((name) => T123.includes(name))).toBe(true);
  });

  it('gives the same report twice apart from timestamps and durations', () => {
    expect(stable(second)).toEqual(stable(first));
    expect(readFileSync(join(dir, 'r1.diff'), 'utf8')).toBe(readFileSync(join(dir, 'r2.diff'), 'utf8'));
  });

  it('writes a diff that git apply accepts on the file it was made from', () => {
    const diff = readFileSync(join(dir, 'r1.diff'), 'utf8');
    expect(diff).toMatch(
      /^diff --git a\/examples\/popoto\/constants\.py b\/examples\/popoto\/constants\.py\n/,
    );
    const accepted = first.decisions.filter((d) => d.action === 'ACCEPT' && d.constant !== 'delta');
    for (const d of accepted) expect(diff).toContain(`+    ${d.constant} = `);
    const repo = mkdtempSync(join(tmpdir(), 'mr-apply-'));
    execFileSync('git', ['init', '-q', repo]);
    mkdirSync(join(repo, 'examples/popoto'), { recursive: true });
    copyFileSync('examples/popoto/constants.py', join(repo, 'examples/popoto/constants.py'));
    execFileSync('git', ['-C', repo, 'apply', join(dir, 'r1.diff')]);
    const applied = readFileSync(join(repo, 'examples/popoto/constants.py'), 'utf8');
    for (const d of accepted)
      expect(applied).toMatch(new RegExp(`\\n    ${d.constant} = ${String(d.proposed).replace('.', '\\.')}`));
  });

  it('writes markdown under 65,536 characters that names every constant', () => {
    const markdown = readFileSync(join(dir, 'r1.md'), 'utf8');
    expect(markdown.length).toBeLessThan(65_536);
    expect(markdown.startsWith(`**${first.verdict}**`)).toBe(true);
    expect(markdown).toContain('```diff');
    expect(markdown).toContain('xychart-beta');
    for (const d of first.decisions) expect(markdown).toContain(`\`${d.constant}\``);
  });

  it('persists ratchet_YYYYMMDD_HHMMSS.json and ratchet_latest.json', () => {
    const files = readdirSync(join(dir, 'results1')).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('ratchet_latest.json');
    expect(files.find((f) => f !== 'ratchet_latest.json')).toMatch(/^ratchet_\d{8}_\d{6}\.json$/);
  });
});

describe('memory-ratchet ratchet on a deliberately detuned file', () => {
  it('accepts moves back toward sensible values', async () => {
    const out = join(dir, 'detuned.json');
    const run = await runBuiltCli([
      'ratchet',
      '--constants',
      'examples/detuned/constants.py',
      '--json',
      out,
      '--results-dir',
      join(dir, 'rd'),
    ]);
    expect(run.code).toBe(0);
    const report: RatchetReport = JSON.parse(readFileSync(out, 'utf8'));
    const back = report.decisions.filter(
      (d) =>
        d.action === 'ACCEPT' &&
        ((d.constant === 'DECAY_RATE' && d.proposed! < 2) ||
          (d.constant === 'WF_MIN_THRESHOLD' && d.proposed! < 0.5) ||
          (d.constant === 'CO_OCCURRENCE_INITIAL_WEIGHT' && d.proposed! > 0.01)),
    );
    expect(back.length).toBeGreaterThanOrEqual(2);
  }, 180_000);
});

describe('memory-ratchet ratchet on a Latin-1 constants file', () => {
  it('reads it by its declared encoding and writes a diff that git apply accepts on its bytes', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'mr-latin-'));
    execFileSync('git', ['init', '-q', repo]);
    // The accent sits on the line of the constant the ratchet changes, so the diff carries it.
    const text = readFileSync('examples/popoto/constants.py', 'utf8').replace(
      'DEFAULT_SURFACING_THRESHOLD = 0.5',
      'DEFAULT_SURFACING_THRESHOLD = 0.5  # b\u00e9st guess',
    );
    writeFileSync(join(repo, 'constants.py'), Buffer.from(`# -*- coding: latin-1 -*-\n${text}`, 'latin1'));
    const run = await runBuiltCli([
      'ratchet',
      '--constants',
      join(repo, 'constants.py'),
      '--only',
      'DEFAULT_SURFACING_THRESHOLD',
      '--diff',
      join(repo, 'p.diff'),
      '--results-dir',
      join(dir, 'rl'),
    ]);
    expect(run.code).toBe(0);
    const diff = readFileSync(join(repo, 'p.diff'));
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.includes(Buffer.from('b\u00e9st', 'latin1'))).toBe(true);
    execFileSync('git', ['-C', repo, 'apply', '--check', 'p.diff']);
  }, 120_000);
});

describe('memory-ratchet ratchet --bank', () => {
  it('draws another bank, with its own seed ids, and says so in the report and the reproduce line', async () => {
    const out = join(dir, 'bank3.json');
    const run = await runBuiltCli([
      'ratchet',
      '--only',
      'DECAY_RATE',
      '--bank',
      '3',
      '--json',
      out,
      '--results-dir',
      join(dir, 'rb'),
    ]);
    expect(run.code).toBe(0);
    const report: RatchetReport = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.run.bank).toBe(3);
    expect(report.run.trainSeeds[0]).toBe(30_000_000);
    expect(report.run.validationSeeds[0]).toBe(31_000_000);
    expect(run.stdout).toMatch(/^RATCHET SUMMARY\n===============\nbank 3 · /);
    expect(report.run.command).toContain('--bank 3 --seeds 50');
  }, 120_000);
});

describe('ratchet input errors', () => {
  const bad: [string, string[], RegExp][] = [
    ['--diff without --constants', ['--diff', join(dir, 'x.diff')], /--diff needs --constants FILE/],
    ['a bad --alpha', ['--alpha', '1.5'], /--alpha '1\.5': expected a number in \(0, 1\)/],
    [
      'a bad --train-fraction',
      ['--train-fraction', '0'],
      /--train-fraction '0': expected a number in \(0, 1\)/,
    ],
    ['an unknown constant', ['--only', 'DECAY'], /--only: unknown constant 'DECAY'/],
    ['a malformed constants file', ['--constants', 'README.md'], /unknown constants file type/],
    ['a bad --bank', ['--bank', 'two'], /--bank 'two': expected a whole number \(0 is the default bank\)/],
    ['a budget below --seeds', ['--max-seeds', '20'], /--max-seeds 20 is below --seeds 50/],
    [
      'too few seeds for a decision',
      ['--seeds', '2'],
      /--seeds 2 with --train-fraction 0\.7 gives 1 training and 1 validation scenarios; a decision needs at least 5 and 3/,
    ],
    [
      'no training scenario',
      ['--train-fraction', '0.01'],
      /--seeds 50 with --train-fraction 0\.01 gives 0 training and 50 validation scenarios/,
    ],
    [
      'a run too large to hold',
      ['--seeds', '1000000000'],
      /--seeds 1000000000 is above the limit of 100000 scenarios/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 for ${what}`, async () => {
      const run = await runBuiltCli(['ratchet', '--results-dir', join(dir, 'bad'), ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  }
});

describe('memory-ratchet calibrate', () => {
  it('replays the decisions under sign-flip nulls and a planted effect, on the engine, and reports rates with intervals', async () => {
    const out = join(dir, 'calibration.json');
    const run = await runBuiltCli([
      'calibrate',
      '--only',
      'DECAY_RATE,WF_MIN_THRESHOLD',
      '--banks',
      '1,2',
      '--runs',
      '20',
      '--json',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^CALIBRATION\n===========\n20 sign-flip runs per bank/);
    expect(run.stdout).toMatch(/false accepts per run \(full null\): +\d+\.\d\d % \[/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.banks.map((b: { bank: number }) => b.bank)).toEqual([1, 2]);
    // A bank whose training proposes nothing has nothing to validate (bank 1); bank 2 proposes DECAY_RATE.
    expect(report.banks.map((b: { proposals: string[] }) => b.proposals)).toEqual([[], ['DECAY_RATE']]);
    for (const bank of report.banks) {
      const proposing = bank.proposals.length > 0;
      expect(bank.validationScenarios).toBe(proposing ? 365 : 0);
      expect(bank.confirmationScenarios).toBe(proposing ? 60 : 0);
      expect(bank.fullNull.trials).toBe(20);
      expect(bank.power.trials).toBe(20 * bank.proposals.length);
    }
    expect(report.pooled.fullNull.trials).toBe(40);
    expect(report.pooled.fullNull.interval[0]).toBeLessThanOrEqual(report.pooled.fullNull.rate);
  }, 180_000);

  it('exits 2 for a bad bank list', async () => {
    const run = await runBuiltCli(['calibrate', '--banks', '5-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--banks '5-1': the range runs backwards/);
  });
});

describe('ratchet --base REF', () => {
  it('gives the PR-delta table between the file at a git ref and the working file, and names a bad ref', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'mr-base-'));
    execFileSync('git', ['init', '-q', repo]);
    const file = join(repo, 'constants.py');
    const source = readFileSync('examples/popoto/constants.py', 'utf8');
    writeFileSync(file, source);
    execFileSync('git', ['-C', repo, 'add', '.']);
    execFileSync('git', [
      '-C',
      repo,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-qm',
      'base',
    ]);
    writeFileSync(file, source.replace('DECAY_RATE = 0.1  #', 'DECAY_RATE = 1.0  #'));
    const args = [
      'ratchet',
      '--constants',
      file,
      '--only',
      'DECAY_RATE',
      '--seeds',
      '50',
      '--results-dir',
      join(repo, 'r'),
    ];
    const run = await runBuiltCli([...args, '--base', 'HEAD']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^This pull request makes retrieval worse: DECAY_RATE 0\.1 → 1 -0\.\d{3}/m);
    expect(run.stdout).toMatch(/ {2}DECAY_RATE: 0\.1 -> 1: regresses/);
    expect(run.stdout).toMatch(/Reproduce: npx memory-ratchet ratchet --constants \S+ --base HEAD /);
    const bad = await runBuiltCli([...args, '--base', 'no-such-ref']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--base 'no-such-ref': git cannot show constants\.py at that ref/);
  }, 120_000);
});

describe('ratchet with a configuration file', () => {
  it('takes scope, seeds and grids from .github/memory-ratchet.yml; the command line wins; mistakes name file and line', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mr-config-'));
    mkdirSync(join(cwd, '.github'));
    copyFileSync('examples/popoto/constants.py', join(cwd, 'constants.py'));
    writeFileSync(
      join(cwd, '.github/memory-ratchet.yml'),
      'constants-path: constants.py\nonly: [WF_MIN_THRESHOLD]\nseeds: 20\ngrids:\n  WF_MIN_THRESHOLD: [0.05, 0.1, 0.15]\n',
    );
    const configured = await runBuiltCli(['ratchet', '--json', '--results-dir', 'r'], {}, cwd);
    expect(configured.code, configured.stderr).toBe(0);
    const report = JSON.parse(configured.stdout) as RatchetReport;
    expect(report.decisions.map((d) => d.constant)).toEqual(['WF_MIN_THRESHOLD']);
    expect(report.run.seeds).toBe(20);
    expect(report.run.constantsFile).toBe('constants.py');
    const swept = report.decisions[0]!.train!.values.map((v) => v.value);
    expect(swept).toEqual(expect.arrayContaining([0.05, 0.1, 0.15]));
    expect(swept).not.toContain(0.2); // a registry grid value the file's grid leaves out

    const overridden = await runBuiltCli(
      ['ratchet', '--json', '--results-dir', 'r', '--seeds', '24'],
      {},
      cwd,
    );
    expect((JSON.parse(overridden.stdout) as RatchetReport).run.seeds).toBe(24);

    writeFileSync(join(cwd, 'other.yml'), 'seeds: 20\nthreshhold: 0.02\n');
    const bad = await runBuiltCli(['ratchet', '--config', 'other.yml'], {}, cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^memory-ratchet: error: other\.yml:2: unknown key 'threshhold'; did you mean 'threshold'\?/,
    );
    const missing = await runBuiltCli(['ratchet', '--config', 'nope.yml'], {}, cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read configuration file 'nope\.yml': no such file/);
  }, 120_000);
});
