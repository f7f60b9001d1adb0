/**
 * The terminal summary and the markdown of one real run (the example constants with DECAY_RATE 0.1 → 0.6
 * against the committed 0.1, Tiers 1–3, 30 seeds), compared with reviewed renderings in test/fixtures/golden/.
 * The report's JSON lost its infinite bounds (JSON has none): they are restored before rendering.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RatchetDecision } from '../../src/ratchet/ratchet.js';
import { fenced, inlineCode, ratchetMarkdown } from '../../src/report/ratchet-markdown.js';
import { buildRatchetReport, type RatchetReport, verdictSentence } from '../../src/report/ratchet-report.js';
import { edgeNote, proposalLine, ratchetText } from '../../src/report/ratchet-text.js';

const golden = (name: string) => readFileSync(`test/fixtures/golden/${name}`, 'utf8');
const report = JSON.parse(golden('ratchet-report.json')) as RatchetReport;
for (const d of report.decisions) {
  const bounds = d.validationInterval as unknown as (number | null)[] | null;
  if (bounds && bounds[0] === null)
    (d as { validationInterval: unknown }).validationInterval = [-Infinity, Infinity];
}

describe('renderings of a real run', () => {
  it('prints the terminal summary', () => {
    expect(ratchetText(report)).toBe(golden('ratchet.txt'));
  });
  it('writes the full markdown (job summary, check)', () => {
    expect(ratchetMarkdown(report, { header: '## memory-ratchet' })).toBe(golden('ratchet.md'));
  });
  it('writes the compact markdown (the comment)', () => {
    expect(
      ratchetMarkdown(report, {
        header: '## memory-ratchet',
        detail: 'compact',
        fullReportUrl: 'https://github.com/o/r/actions/runs/7',
      }),
    ).toBe(golden('ratchet-compact.md'));
  });
});

describe('the report built from a run’s outcome', () => {
  const point = (scenario: string, status: 'ok' | 'error' | 'skipped-degenerate') => ({
    constant: 'DECAY_RATE',
    value: 0.1,
    scenario,
    status,
    metrics: null,
    calibrationError: null,
    rankingHash: '',
    durationMs: 2,
  });
  // Built inside each test (not while the file is collected), so coverage ties the code to the test.
  const build = () =>
    buildRatchetReport(
      report.run,
      3.5,
      report.constants,
      {
        decisions: report.decisions,
        // '*' points are summaries, not evaluations: they are not counted.
        trainPoints: [point('a', 'ok'), point('b', 'error'), point('*', 'ok')] as never,
        validationPoints: [point('c', 'skipped-degenerate')] as never,
        used: { train: 21, validation: 90, confirmation: 60 },
      },
      report.diff,
      report.prDelta,
    );
  it('sorts the decisions into lists by action, counts the evaluations, and leads with the PR’s effect', () => {
    const built = build();
    expect(built.tool.name).toBe('memory-ratchet');
    expect(built.schema).toBe(report.schema);
    expect(built.accepted).toEqual([
      'DECAY_RATE',
      'CO_OCCURRENCE_INITIAL_WEIGHT',
      'CO_OCCURRENCE_DECAY_PER_HOP',
    ]);
    expect(built.rejected).toEqual([
      'WF_MIN_THRESHOLD',
      'CONTRADICTED_CONFIDENCE_SIGNAL',
      'ACTED_CYCLE_STRENGTHEN_FACTOR',
      'delta',
    ]);
    expect(built.noSensitivity).toEqual([
      'INITIAL_CONFIDENCE',
      'ACTED_CONFIDENCE_SIGNAL',
      'DISMISSED_CYCLE_WEAKEN_FACTOR',
      'CONTRADICTED_CYCLE_WEAKEN_FACTOR',
      'CO_OCCURRENCE_DECAY_FACTOR',
      'AUTO_DISCHARGE_CONFIDENCE_THRESHOLD',
    ]);
    expect(built.notRead).toEqual(['CHI_SQUARED_P_THRESHOLD']);
    expect(built.notModelled).toHaveLength(12);
    expect(built.degenerate).toEqual([]);
    expect(built.evaluations).toMatchObject({ total: 3, ok: 1, errors: 1, skipped: 1 });
    expect(built.points.train).toHaveLength(3);
    expect(built.verdict).toBe(report.verdict);
    expect(built.verdict).toBe(
      'This pull request makes retrieval worse: DECAY_RATE 0.1 → 0.6 -0.167 [-0.299, -0.062] (nDCG@5 on validation). Ratchet: 3 changes validated on held-out scenarios: DECAY_RATE 0.6 → 0.0125, CO_OCCURRENCE_INITIAL_WEIGHT 0.1 → 1, CO_OCCURRENCE_DECAY_PER_HOP 0.5 → 0.7.',
    );
  });

  it('words the verdict for one change, for none, and for a PR that changes nothing or nothing measurable', () => {
    const one = report.decisions.filter((d) => d.constant === 'DECAY_RATE');
    expect(verdictSentence(one)).toBe('1 change validated on held-out scenarios: DECAY_RATE 0.6 → 0.0125.');
    const rejected = report.decisions.filter((d) => d.action !== 'ACCEPT');
    // 1 REJECT with a proposal (ACTED_CYCLE_STRENGTHEN_FACTOR 1.2 → 1); NOT_MODELLED and NOT_READ are not tested.
    expect(verdictSentence(rejected, [])).toBe(
      'This pull request changes no constant the engine evaluates. Ratchet: No change is supported by the evidence: 1 train-best value did not hold on held-out scenarios, across 10 constants tested.',
    );
    expect(
      verdictSentence(
        rejected
          .filter((d) => d.proposed === null)
          .concat(
            rejected.filter((d) => d.proposed !== null),
            rejected.filter((d) => d.proposed !== null),
          ),
      ),
    ).toMatch(
      /^No change is supported by the evidence: 2 train-best values did not hold on held-out scenarios, across 11 constants tested\.$/,
    );
    const quiet = [
      { ...report.prDelta![0]!, verdict: 'no measurable effect' as const, delta: null, interval: null },
    ];
    expect(verdictSentence([], quiet)).toBe(
      "This pull request's changes have no measurable effect: DECAY_RATE 0.1 → 0.6 (no scored scenario). Ratchet: No change is supported by the evidence: 0 train-best values did not hold on held-out scenarios, across 0 constants tested.",
    );
  });
});

describe('markdown variants of the same run', () => {
  it('says so when the PR changes nothing evaluable, when nothing is proposed, and lists what the diff leaves out', () => {
    expect(ratchetMarkdown({ ...report, prDelta: [] })).toContain(
      '\n\n**This pull request changes no constant the engine evaluates.**\n\n',
    );
    expect(ratchetMarkdown({ ...report, prDelta: null })).not.toContain('This pull request’s changes');
    const none = { ...report, decisions: report.decisions.filter((d) => d.proposed === null) };
    expect(ratchetMarkdown(none)).toContain('_No constant has a better value on the training scenarios._');
    const left = {
      ...report,
      diff: {
        ...report.diff!,
        notApplicable: [
          { constant: 'delta', reason: 'not a Defaults attribute: change its default in the code' },
        ],
      },
    };
    expect(ratchetMarkdown(left)).toContain(
      '\n\n- `delta` is not in the diff: not a Defaults attribute: change its default in the code\n\n',
    );
    expect(ratchetMarkdown({ ...report, diff: null })).not.toContain('```diff');
  });

  it('pads inline code that starts or ends with a backtick, and fences text whatever its last line', () => {
    expect(inlineCode('`a')).toBe('`` `a ``');
    expect(inlineCode('a`')).toBe('`` a` ``');
    expect(inlineCode('a')).toBe('`a`');
    expect(fenced('diff', 'x')).toBe('```diff\nx\n```');
    expect(fenced('diff', 'x\n')).toBe('```diff\nx\n```');
  });
});

describe('terminal variants of the same run', () => {
  const decay = () => report.decisions.find((d) => d.constant === 'DECAY_RATE')!;
  it('writes a proposal line with what it has: no train or validation numbers, a cliff shift, the search limit', () => {
    const bare = {
      ...decay(),
      trainDelta: null,
      nearOptimal: null,
      validationDelta: null,
      confirmation: null,
      edgeOfGrid: false,
    } as unknown as RatchetDecision;
    expect(proposalLine(bare)).toBe('DECAY_RATE: 0.6 -> 0.0125 () ACCEPT');
    const noInterval = {
      ...bare,
      validationDelta: 0.1,
      validationInterval: null,
    } as unknown as RatchetDecision;
    expect(proposalLine(noInterval)).toBe('DECAY_RATE: 0.6 -> 0.0125 (, validation +0.100) ACCEPT');
    const shifted = {
      ...bare,
      cliff: { cliff: { from: 0.7, to: 0.9, direction: 'drop' }, margin: 0.12345, shiftedFrom: 0.7 },
      edgeOfGrid: true,
      edgeStop: 'steps',
    } as unknown as RatchetDecision;
    expect(proposalLine(shifted)).toBe(
      'DECAY_RATE: 0.6 -> 0.0125 (, cliff at 0.7→0.9, at the search limit) ACCEPT (margin: 0.12, moved from 0.7)',
    );
    expect(edgeNote({ ...shifted, edgeOfGrid: false })).toBe('');
  });

  it('says when nothing is proposed, lists what the diff leaves out, and the degenerate constants', () => {
    const text = ratchetText({
      ...report,
      decisions: report.decisions.filter((d) => d.proposed === null),
      degenerate: ['X'],
      diff: { ...report.diff!, notApplicable: [{ constant: 'delta', reason: 'a code default' }] },
    });
    expect(text).toContain('  (none: every current value is already the best on train, or insensitive)');
    expect(text).toContain('\nAccepted but not in the diff:\n  delta: a code default\n');
    expect(text).toMatch(/\nDegenerate[^\n]*\n {2}X\n/);
    const noReplaced = ratchetText({ ...report, run: { ...report.run, degenerate: [] } });
    expect(noReplaced).not.toContain('degenerate draws replaced');
    expect(ratchetText(report)).toContain('; 12 degenerate draws replaced');
  });
});
