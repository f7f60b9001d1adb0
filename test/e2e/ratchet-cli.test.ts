import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
    expect(run.stdout).toMatch(/^RATCHET SUMMARY\n===============\n50 seeds \(35 train, 15 validation/);
    expect(run.stdout).toContain('Proposed changes (validated on held-out scenarios):');
    expect(run.stdout).toMatch(
      /Reproduce: npx memory-ratchet ratchet --constants examples\/popoto\/constants\.py --seeds 50/,
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

  it('finds at least one train-best value that fails on validation, and at least three sensitive Tier 1–3 constants', () => {
    const failed = first.decisions.filter((d) => d.action === 'REJECT' && d.proposed !== null);
    expect(failed.length).toBeGreaterThanOrEqual(1);
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
  ];
  for (const [what, args, message] of bad) {
    it(`exits 2 for ${what}`, async () => {
      const run = await runBuiltCli(['ratchet', '--results-dir', join(dir, 'bad'), ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    });
  }
});
