import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConstantsFile } from '../../src/constants/parse-file.js';
import { defaultConstants } from '../../src/constants/values.js';
import { proposedDiff } from '../../src/ratchet/proposal-diff.js';
import type { RatchetDecision } from '../../src/ratchet/ratchet.js';
import { inlineCode, ratchetMarkdown } from '../../src/report/ratchet-markdown.js';
import { buildRatchetReport, type RatchetRunMeta } from '../../src/report/ratchet-report.js';

const MARKER = '<!-- memory-ratchet:v1 {"run":7,"state":"done"} -->';

/**
 * The lines of a GFM document that render as markdown (outside fenced code blocks): a fence opens with three
 * or more backticks or tildes and closes with a line of at least as many of the same character and nothing
 * else. Written from the CommonMark rules, independently of the renderer under test.
 */
function renderedLines(markdown: string): string[] {
  const out: string[] = [];
  let fence: { char: string; length: number } | null = null;
  for (const line of markdown.split('\n')) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = null;
      continue;
    }
    if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
      fence = { char: open[1]![0]!, length: open[1]!.length };
      continue;
    }
    out.push(line);
  }
  expect(fence, 'every fence is closed').toBeNull();
  return out;
}

const run: RatchetRunMeta = {
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:10.000Z',
  redis: 'server',
  bank: 0,
  seeds: 50,
  maxSeeds: 400,
  confirmSeeds: 60,
  trainFraction: 0.7,
  trainSeeds: [],
  validationSeeds: [],
  confirmationSeeds: [],
  degenerate: [],
  threshold: 0.01,
  cliffMargin: 0.1,
  cliffThreshold: 0.1,
  alpha: 0.05,
  tiers: [1, 2, 3],
  only: null,
  constantsFile: 'constants.py',
  constantsClass: 'Defaults',
  bootstrap: { resamples: 2000, seed: 'memory-ratchet' },
  command: 'npx memory-ratchet ratchet --constants constants.py',
};

const accepted = (constant: string, current: number, proposed: number): RatchetDecision => ({
  constant,
  current,
  proposed,
  action: 'ACCEPT',
  reason: 'validated',
  trainScore: 0.4,
  trainDelta: 0.05,
  validationScore: 0.4,
  validationDelta: 0.04,
  validationInterval: [0.02, 0.06],
  validationScenarios: 45,
  look: 2,
  holmAlpha: 0.001,
  pValue: 0.0001,
  confirmation: { delta: 0.03, interval: [0.01, 0.05], scenarios: 60, confirmed: true },
  nearOptimal: { from: proposed, to: proposed },
  edgeOfGrid: false,
  edgeStop: null,
  extended: [],
  train: null,
  round: 1,
});

const HOSTILE = [
  '```',
  '````',
  '~~~',
  '</details>',
  '<details><summary>x</summary>',
  '**✅ Everything is fine, merge it**',
  MARKER,
  '<!-- memory-ratchet:v1 {"run":999999999,"state":"done"} -->',
  '@octocat please approve',
  '![tracker](https://example.com/p.png)',
  '| a | b |',
  '# heading',
];

describe('untrusted file content is inert in the rendered comment', () => {
  it('keeps one verdict, the expected headings and one marker at the end, whatever the file holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom(...HOSTILE), { minLength: 0, maxLength: 6 }),
        fc.string({ maxLength: 12 }).map((s) => s.replaceAll('\n', ' ')),
        (before, after, noise) => {
          // Hostile lines at column 0 inside the class docstring (diff context lines start with one space,
          // so a bare fence there would close a three-backtick fence), and in comments.
          const source = [
            'class Defaults:',
            '    """',
            ...before,
            '    """',
            ...before.map((line) => `    # ${line} ${noise}`),
            '    DECAY_RATE = 0.1',
            ...after.map((line) => `    # ${line}`),
            `    WF_MIN_THRESHOLD = 0.1  # ${after[0] ?? ''}`,
            '',
          ].join('\n');
          const parsed = parseConstantsFile(source, 'constants.py', {});
          const decisions = [accepted('DECAY_RATE', 0.1, 0.05), accepted('WF_MIN_THRESHOLD', 0.1, 0.2)];
          const diff = proposedDiff(decisions, { path: 'constants.py', source, parsed });
          const report = buildRatchetReport(
            run,
            1,
            defaultConstants(),
            {
              decisions,
              trainPoints: [],
              validationPoints: [],
              used: { train: 35, validation: 45, confirmation: 60 },
            },
            diff,
          );
          const markdown = ratchetMarkdown(report, { footer: MARKER });
          const rendered = renderedLines(markdown);
          // One verdict, first; the headings we write; one marker, last.
          expect(rendered[0]).toBe(`**${report.verdict}**`);
          expect(rendered.filter((l) => l.startsWith('**✅'))).toEqual([]);
          expect(rendered.filter((l) => l.includes('What the ratchet proposes'))).toHaveLength(1);
          expect(rendered.filter((l) => l.includes('<!-- memory-ratchet:v1'))).toEqual([MARKER]);
          expect(markdown.trimEnd().endsWith(MARKER)).toBe(true);
          // Nothing from the file renders: its comment lines appear only inside the diff's fence.
          for (const line of [...before, ...after]) {
            expect(rendered.some((l) => l.includes(`# ${line}`))).toBe(false);
            // (our own marker and </details> are lines we write too; the counts above check those)
            if (line !== MARKER && line !== '</details>')
              expect(rendered.some((l) => l.trim() === line.trim())).toBe(false);
          }
          expect(rendered.filter((l) => l.includes('<details>')).length).toBe(
            rendered.filter((l) => l.includes('</details>')).length,
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('writes inline code that the text cannot close', () => {
    expect(inlineCode('a `b` c')).toBe('``a `b` c``');
    expect(inlineCode('``x``')).toBe('``` ``x`` ```');
    expect(inlineCode('plain')).toBe('`plain`');
  });
});

describe('table cells', () => {
  it('keep a reason with pipes and line breaks inside its one cell', () => {
    const decision = { ...accepted('DECAY_RATE', 0.1, 0.05), action: 'REJECT' as const, reason: 'a | b\nc' };
    const report = buildRatchetReport(
      run,
      1,
      defaultConstants(),
      {
        decisions: [decision],
        trainPoints: [],
        validationPoints: [],
        used: { train: 35, validation: 45, confirmation: 60 },
      },
      null,
    );
    const rows = renderedLines(ratchetMarkdown(report)).filter((l) => l.startsWith('| `DECAY_RATE`'));
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows) {
      const pipes = row.replaceAll('\\|', '').match(/\|/g)!.length;
      // The proposals table has 7 columns (8 pipes), the decisions table 6 (7 pipes).
      expect(pipes).toBe(row.includes('→ **') ? 8 : 7);
      expect(row).toContain('a \\| b c');
    }
  });
});
