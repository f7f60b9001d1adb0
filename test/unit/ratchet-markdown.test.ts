import { describe, expect, it } from 'vitest';
import { defaultConstants } from '../../src/constants/values.js';
import type { ConstantDelta } from '../../src/ratchet/pr-delta.js';
import type { RatchetDecision } from '../../src/ratchet/ratchet.js';
import { ratchetMarkdown, sensitivityChart } from '../../src/report/ratchet-markdown.js';
import { buildRatchetReport, type RatchetRunMeta, verdictSentence } from '../../src/report/ratchet-report.js';
import { ratchetText } from '../../src/report/ratchet-text.js';
import type { ConstantSummary } from '../../src/sweep/aggregate.js';

const run: RatchetRunMeta = {
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:10.000Z',
  redis: 'server',
  bank: 0,
  seeds: 50,
  maxSeeds: 400,
  confirmSeeds: 60,
  trainFraction: 0.7,
  trainSeeds: Array.from({ length: 35 }, (_, i) => i),
  validationSeeds: Array.from({ length: 15 }, (_, i) => 1_000_000 + i),
  confirmationSeeds: [],
  degenerate: [],
  threshold: 0.01,
  cliffMargin: 0.1,
  cliffThreshold: 0.1,
  alpha: 0.05,
  tiers: [1, 2, 3],
  only: null,
  constantsFile: 'src/popoto/fields/constants.py',
  constantsClass: 'Defaults',
  bootstrap: { resamples: 2000, seed: 'memory-ratchet' },
  command: 'npx memory-ratchet ratchet --constants src/popoto/fields/constants.py',
};

function train(values: number): ConstantSummary {
  return {
    constant: 'X',
    current: 0.1,
    metric: 'ndcg@5',
    values: Array.from({ length: values }, (_, i) => ({
      value: i / 10,
      ok: 35,
      errors: 0,
      skipped: 0,
      degenerate: false,
      mean: 0.3 + i / 100,
      interval: [0.2, 0.4] as const,
    })),
    scenarios: { common: [], degenerate: [], excluded: [] },
    best: { value: 0.5, mean: 0.35 },
    worst: { value: 0, mean: 0.3 },
    currentMean: 0.31,
    range: { value: 0.05, interval: [0.01, 0.09] as const },
    bestVsWorst: { delta: 0.05, interval: [0.01, 0.09] as const, excludesZero: true },
    cliffs: [],
    degenerateValues: [],
    errors: 0,
    skipped: 0,
    effect: 'changes-metric',
    edgeOfGrid: false,
  };
}

function decision(i: number, action: RatchetDecision['action']): RatchetDecision {
  return {
    constant: `CONSTANT_NUMBER_${i}`,
    current: 0.1,
    proposed: action === 'ACCEPT' || action === 'REJECT' ? 0.5 : null,
    action,
    reason: `${action === 'ACCEPT' ? 'validated' : 'no validation improvement'} ${'because '.repeat(40)}`,
    trainScore: 0.35,
    trainDelta: 0.04,
    validationScore: 0.34,
    validationDelta: action === 'ACCEPT' ? 0.03 : -0.01,
    validationInterval: [0.01, 0.05],
    validationScenarios: 15,
    look: 1,
    holmAlpha: 0.05,
    pValue: 0.01,
    confirmation: null,
    nearOptimal: { from: 0.5, to: 0.5 },
    edgeOfGrid: false,
    edgeStop: null,
    extended: [],
    train: train(40),
    round: 1,
  };
}

/** A report of these decisions (and pull-request changes, and a diff) on the run above. */
const reportOf = (
  decisions: RatchetDecision[],
  prDelta: readonly ConstantDelta[] | null = null,
  diff: Parameters<typeof buildRatchetReport>[4] = null,
) =>
  buildRatchetReport(
    run,
    10,
    defaultConstants(),
    {
      decisions,
      trainPoints: [],
      validationPoints: [],
      used: { train: 35, validation: 15, confirmation: 0 },
    },
    diff,
    prDelta,
  );

describe('ratchet markdown', () => {
  const decisions = Array.from({ length: 30 }, (_, i) => decision(i, i % 10 === 0 ? 'ACCEPT' : 'REJECT'));
  const diffText = `diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1,1 +1,1 @@\n-X = 1\n+X = 2\n`;
  const report = reportOf(decisions, null, {
    path: 'x.py',
    text: diffText,
    encoding: 'utf-8',
    edits: [],
    notApplicable: [],
  });

  it('fits the budget by dropping charts and detail rows, never the verdict, the table or the diff', () => {
    expect(ratchetMarkdown(report).length).toBeLessThan(65_536);
    const markdown = ratchetMarkdown(report, { footer: '<!-- marker -->', budget: 25_000 });
    expect(markdown.length).toBeLessThanOrEqual(25_000);
    expect(markdown.startsWith(`**${report.verdict}**`)).toBe(true);
    expect(markdown).toContain(diffText);
    for (const d of decisions.filter((x) => x.proposed !== null))
      expect(markdown).toContain(`| \`${d.constant}\` | 0.1 → **0.5**`);
    expect(markdown).toMatch(
      /_Truncated to fit GitHub's limit: \d+ decision rows and \d+ charts omitted; the JSON report has everything._/,
    );
    expect(markdown.endsWith('<!-- marker -->')).toBe(true);
  });

  it('keeps the comment compact: the accepted constants’ curves, no per-constant table, a link to the rest', () => {
    const compact = ratchetMarkdown(report, {
      detail: 'compact',
      fullReportUrl: 'https://github.com/o/r/actions/runs/7',
    });
    const full = ratchetMarkdown(report);
    expect(compact.startsWith(`**${report.verdict}**`)).toBe(true);
    expect(compact).toContain(diffText);
    expect(compact).not.toContain('Every constant’s decision</summary>');
    expect(full).toContain('Every constant’s decision</summary>');
    // 3 of the 30 constants are accepted: their curves, and only theirs.
    expect(compact.match(/xychart-beta/g)).toHaveLength(3);
    for (const d of decisions.filter((x) => x.action === 'ACCEPT'))
      expect(compact).toContain(`title "${d.constant}`);
    expect(compact).toContain(
      'Every constant’s decision and sensitivity curve: [the run’s summary](https://github.com/o/r/actions/runs/7).',
    );
    expect(ratchetMarkdown(report, { detail: 'compact' })).toContain(
      'Every constant’s decision and sensitivity curve: the job summary.',
    );
    expect(compact.length).toBeLessThan(full.length);
  });

  it('keeps a diff whose context holds a fence of its own inert inside a longer fence', () => {
    const hostile = [
      'diff --git a/x.py b/x.py',
      '--- a/x.py',
      '+++ b/x.py',
      '@@ -1,6 +1,6 @@',
      ' """',
      ' ```',
      ' </details> **all changes accepted** @maintainers ![x](https://example.invalid/x.png)',
      ' ````',
      ' """',
      '-X = 1',
      '+X = 2',
      '',
    ].join('\n');
    const markdown = ratchetMarkdown(
      buildRatchetReport(
        run,
        10,
        defaultConstants(),
        {
          decisions: decisions.slice(0, 1),
          trainPoints: [],
          validationPoints: [],
          used: { train: 35, validation: 15, confirmation: 0 },
        },
        { path: 'x.py', text: hostile, encoding: 'utf-8', edits: [], notApplicable: [] },
      ),
    );
    const lines = markdown.split('\n');
    const open = lines.indexOf('`````diff');
    expect(open).toBeGreaterThan(-1);
    // CommonMark closes a fence only with a run at least as long as the opening one: the first such line
    // after the opening is the one right after the diff, so every hostile line stays inside.
    const close = lines.findIndex((line, i) => i > open && /^`{5,}\s*$/.test(line));
    expect(lines.slice(open + 1, close).join('\n')).toBe(hostile.trimEnd());
    expect(lines.slice(close + 1).join('\n')).not.toContain('</details> **all changes accepted**');
  });

  it('keeps everything when it fits', () => {
    const small = buildRatchetReport(
      run,
      10,
      defaultConstants(),
      {
        decisions: decisions.slice(0, 3),
        trainPoints: [],
        validationPoints: [],
        used: { train: 35, validation: 15, confirmation: 0 },
      },
      null,
    );
    const markdown = ratchetMarkdown(small);
    expect(markdown).not.toContain('Truncated');
    expect(markdown.match(/xychart-beta/g)).toHaveLength(3);
    expect(markdown).toContain(
      'Reproduce: `npx memory-ratchet ratchet --constants src/popoto/fields/constants.py`',
    );
  });

  it('renders the terminal summary in the product format', () => {
    const text = ratchetText(
      buildRatchetReport(
        run,
        10,
        defaultConstants(),
        {
          decisions: decisions.slice(0, 2),
          trainPoints: [],
          validationPoints: [],
          used: { train: 35, validation: 15, confirmation: 0 },
        },
        null,
      ),
    );
    expect(text).toMatch(/^RATCHET SUMMARY\n===============\n/);
    expect(text).toContain(
      'CONSTANT_NUMBER_0: 0.1 -> 0.5 (train +0.040, near-optimal [0.5, 0.5], validation +0.030 [+0.010, +0.050] on 15) ACCEPT',
    );
    expect(text).toMatch(
      /CONSTANT_NUMBER_1: 0\.1 -> 0\.5 \(train \+0\.040, near-optimal \[0\.5, 0\.5\], validation -0\.010 \[\+0\.010, \+0\.050\] on 15\) REJECT \(no validation improvement/,
    );
    expect(text).toContain('bank 0 · 35 train, 15 validation (budget 365), 0 confirmation scenarios');
  });
});

describe('the verdict: the pull request’s own effect first', () => {
  const accepted = [decision(0, 'ACCEPT')];
  const delta = (verdict: 'improves' | 'regresses' | 'no measurable effect', d: number) => ({
    constant: 'DECAY_RATE',
    base: 0.3,
    head: 0.6,
    delta: d,
    interval: [d - 0.03, d + 0.03] as const,
    verdict,
    reason: '',
  });

  it('leads with a regression, then an improvement, then no effect, then what the ratchet proposes', () => {
    expect(verdictSentence(accepted, [delta('regresses', -0.063)])).toBe(
      'This pull request makes retrieval worse: DECAY_RATE 0.3 → 0.6 -0.063 [-0.093, -0.033] (nDCG@5 on validation). Ratchet: 1 change validated on held-out scenarios: CONSTANT_NUMBER_0 0.1 → 0.5.',
    );
    expect(verdictSentence([], [delta('improves', 0.05)])).toBe(
      'This pull request improves retrieval: DECAY_RATE 0.3 → 0.6 +0.050 [+0.020, +0.080] (nDCG@5 on validation). Ratchet: No change is supported by the evidence: 0 train-best values did not hold on held-out scenarios, across 0 constants tested.',
    );
    expect(verdictSentence(accepted, [delta('no measurable effect', 0.002)])).toMatch(
      /^This pull request's changes have no measurable effect: DECAY_RATE 0\.3 → 0\.6 \+0\.002 \[-0\.028, \+0\.032\]\. Ratchet: 1 change/,
    );
    expect(verdictSentence(accepted, [])).toMatch(
      /^This pull request changes no constant the engine evaluates\. Ratchet: 1 change validated/,
    );
    expect(verdictSentence(accepted, null)).toBe(
      '1 change validated on held-out scenarios: CONSTANT_NUMBER_0 0.1 → 0.5.',
    );
  });

  it('labels the proposals table, and puts the regression in the markdown’s first line', () => {
    const report = buildRatchetReport(
      run,
      10,
      defaultConstants(),
      {
        decisions: accepted,
        trainPoints: [],
        validationPoints: [],
        used: { train: 35, validation: 15, confirmation: 0 },
      },
      null,
      [delta('regresses', -0.063)],
    );
    const markdown = ratchetMarkdown(report);
    expect(markdown.split('\n')[0]).toMatch(
      /^\*\*This pull request makes retrieval worse: DECAY_RATE 0\.3 → 0\.6 -0\.063/,
    );
    expect(markdown).toContain(
      '**What the ratchet proposes** (validated on held-out scenarios, confirmed on fresh ones):',
    );
    expect(markdown.indexOf('This pull request’s changes')).toBeLessThan(
      markdown.indexOf('What the ratchet proposes'),
    );
  });
});

describe('sensitivity charts', () => {
  it('draw the curve and its interval band on a visible palette from 0, and mark "proposed" only when accepted', () => {
    const accepted = { ...decision(0, 'ACCEPT'), extended: [1.2] };
    const chart = sensitivityChart(accepted)!;
    expect(chart).toContain('plotColorPalette');
    expect(chart.match(/^ {2}line \[/gm)).toHaveLength(3);
    expect(chart).toMatch(/y-axis "nDCG@5" 0 --> 0\.\d+/);
    expect(chart).toContain('<sub>current: 0.1 · proposed: 0.5 · searched past the grid: 1.2');
    const rejected = sensitivityChart(decision(1, 'REJECT'))!;
    expect(rejected).not.toContain('proposed');
    expect(rejected).toContain('tested, not accepted: 0.5');
    // The band: each value's interval (0.2 and 0.4 in the fixture) around its mean.
    expect(rejected).toMatch(/ {2}line \[0\.2000, 0\.2000/);
    expect(rejected).toMatch(/ {2}line \[0\.4000, 0\.4000/);
  });
});

describe('code defaults in the markdown', () => {
  const note =
    '_delta is a code default, not a constants-file value: the `delta=0.05` default argument of `CoOccurrenceField.strengthen()` in src/popoto/fields/co_occurrence_field.py._';
  const build = (decisions: RatchetDecision[]) => reportOf(decisions);

  it('marks delta in the proposals table and under the decision rows, with where it lives', () => {
    const delta = { ...decision(0, 'ACCEPT'), constant: 'delta' };
    const markdown = ratchetMarkdown(build([delta, decision(1, 'NO_SENSITIVITY')]));
    expect(markdown).toContain('\n| `delta` (code default) | 0.1 → **0.5** |');
    const table = markdown.slice(markdown.indexOf('| constant | current → proposed'));
    expect(table.split('\n\n')[1]).toBe(note);
    expect(markdown).toContain('\n| `delta` (code default) | 0.1 | 0.5 | ACCEPT |');
    expect(markdown).toMatch(/\| NO_SENSITIVITY \|[^\n]*\n\n_delta is a code default[^\n]*_\n\n<\/details>/);
  });

  it('adds no note and no blank line when no constant is a code default', () => {
    const markdown = ratchetMarkdown(build([decision(0, 'ACCEPT'), decision(1, 'NO_SENSITIVITY')]));
    expect(markdown).not.toContain('code default');
    expect(markdown).toMatch(/\| NO_SENSITIVITY \|[^\n]*\n\n<\/details>/);
    const table = markdown.slice(markdown.indexOf('| constant | current → proposed'));
    expect(table.split('\n\n')[0]!.split('\n')).toHaveLength(3);
  });

  it('leaves the note out of the details when the budget drops every decision row', () => {
    const delta = { ...decision(0, 'NO_SENSITIVITY'), constant: 'delta', proposed: null };
    const decisions = [delta, ...Array.from({ length: 30 }, (_, i) => decision(i + 1, 'NO_SENSITIVITY'))];
    const markdown = ratchetMarkdown(build(decisions), { budget: 1_000 });
    expect(markdown).toContain('31 decision rows');
    expect(markdown).not.toContain('code default');
  });
});

describe('where each constant acts (the ranking it moves most)', () => {
  const acting = (
    name: string,
    action: RatchetDecision['action'],
    byRanking: ConstantSummary['byRanking'],
  ) => ({
    ...decision(0, action),
    constant: name,
    train: { ...train(3), constant: name, ...(byRanking ? { byRanking } : {}) },
  });
  const effect = (ranking: string, range: number, interval: readonly [number, number]) => ({
    ranking,
    scenarios: 28,
    best: { value: 0.5, mean: 0.8 },
    worst: { value: 0.1, mean: 0.8 - range },
    range,
    interval,
  });
  const decisions = [
    acting('TD_ALPHA', 'NO_SENSITIVITY', [
      effect('policies', 0.11, [0.069, 0.151]),
      effect('topic', 0, [0, 0]),
    ]),
    // One ranking only: the scenario mean already says it all.
    acting('ONE_RANKING', 'REJECT', [effect('q1', 0.2, [0.1, 0.3])]),
    acting('FROM_BEFORE', 'REJECT', undefined),
  ];
  const report = reportOf(decisions);
  const actingSection = (text: string) =>
    text.split('Where each constant acts')[1]?.split(/\n(?=\S)/)[0] ?? '';

  it('lists, in the terminal summary, the ranking with its interval beside the scenario mean’s range', () => {
    const text = ratchetText(report);
    expect(text).toContain('Where each constant acts (the ranking it moves most on train');
    expect(text).toMatch(
      /TD_ALPHA:\s+policies \+0\.110 \[\+0\.069, \+0\.151\] \(0\.5 vs 0\.1, 28 scenarios\)\s+scenario mean \+0\.050/,
    );
    expect(actingSection(text)).toContain('TD_ALPHA:');
    expect(actingSection(text)).not.toContain('ONE_RANKING');
    expect(actingSection(text)).not.toContain('FROM_BEFORE');
  });

  it('adds a column to the markdown’s decision table, left empty where nothing is known', () => {
    const markdown = ratchetMarkdown(report);
    expect(markdown).toContain(
      '| train range | moves most: one ranking’s best − worst [95 % CI, all rankings] |',
    );
    expect(markdown).toContain('| 0.050 | policies +0.110 [+0.069, +0.151] (0.5 vs 0.1, 28 scenarios) |');
    expect(markdown).toMatch(/\| `FROM_BEFORE` .*\| 0\.050 \| {2}\|\n/);
  });

  it('leaves the column out of a report from before rankings were recorded', () => {
    const before = { ...report, decisions: [decisions[2]!] };
    expect(ratchetMarkdown(before)).toContain('| train range |\n');
    expect(ratchetText(before)).not.toContain('Where each constant acts');
  });
});

describe('where a pull request’s change acts', () => {
  const change = {
    constant: 'TD_ALPHA',
    base: 0.1,
    head: 0.02,
    delta: -0.009,
    interval: [-0.015, -0.002] as const,
    verdict: 'no measurable effect' as const,
    reason: '-0.009 on 15 validation scenarios: within noise or within the threshold',
  };
  const moved = {
    ...change,
    byRanking: [
      { ranking: 'policies', scenarios: 15, delta: -0.08, interval: [-0.118, -0.04] as const },
      { ranking: 'topic', scenarios: 14, delta: 0.001, interval: [0, 0.002] as const },
    ],
  };
  const reportWith = (prDelta: readonly ConstantDelta[]) => reportOf([], prDelta);

  it('names the ranking the change moves most, in the summary and in a column of the table', () => {
    const report = reportWith([moved]);
    expect(ratchetText(report)).toContain(
      'TD_ALPHA: 0.1 -> 0.02: no measurable effect (-0.009 on 15 validation scenarios: within noise or within the threshold); moves most: policies -0.080 [-0.118, -0.040] (15 scenarios)',
    );
    const markdown = ratchetMarkdown(report);
    expect(markdown).toContain(
      '| verdict | moves most: one ranking’s Δ [95 % CI, all rankings] |\n|---|---|---|---|---|',
    );
    expect(markdown).toContain(
      '| ⚪ no measurable effect | policies -0.080 [-0.118, -0.040] (15 scenarios) |',
    );
  });

  it('keeps the four columns when no change is known to move a ranking', () => {
    const markdown = ratchetMarkdown(reportWith([change]));
    expect(markdown).toContain(
      '| constant | base → head | Δ nDCG@5 [Holm-corrected CI] | verdict |\n|---|---|---|---|\n',
    );
    expect(ratchetText(reportWith([change]))).not.toContain('moves most');
  });
});
