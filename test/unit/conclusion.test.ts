import { describe, expect, it } from 'vitest';
import { annotations, conclusionOf, failureMarkdown } from '../../src/action/conclusion.js';
import type { ConstantDelta } from '../../src/ratchet/pr-delta.js';
import type { RatchetDecision } from '../../src/ratchet/ratchet.js';

const delta = (
  constant: string,
  verdict: ConstantDelta['verdict'],
  reason = `${verdict} by 0.06`,
): ConstantDelta => ({
  constant,
  base: 0.3,
  head: 0.6,
  delta: verdict === 'regresses' ? -0.06 : 0.06,
  interval: [-0.1, -0.02],
  verdict,
  reason,
});

const regressing = {
  prDelta: [delta('DECAY_RATE', 'regresses'), delta('WF_MIN_THRESHOLD', 'improves')],
  accepted: [],
};
const proposing = { prDelta: [delta('WF_MIN_THRESHOLD', 'improves')], accepted: ['DECAY_RATE'] };
const quiet = { prDelta: [delta('WF_MIN_THRESHOLD', 'no measurable effect')], accepted: [] };
const both = { prDelta: [delta('DECAY_RATE', 'regresses')], accepted: ['WF_MIN_THRESHOLD'] };

describe('the check conclusion under fail-on', () => {
  // | report              | regression | proposal | never   |
  // | PR regresses        | failure    | failure  | success |
  // | ratchet proposes    | neutral    | failure  | neutral |
  // | regresses+proposes  | failure    | failure  | neutral |
  // | nothing             | success    | success  | success |
  const table = [
    ['regresses', regressing, ['failure', 'failure', 'success']],
    ['proposes', proposing, ['neutral', 'failure', 'neutral']],
    ['both', both, ['failure', 'failure', 'neutral']],
    ['nothing', quiet, ['success', 'success', 'success']],
    ['no PR delta', { prDelta: null, accepted: [] }, ['success', 'success', 'success']],
  ] as const;
  for (const [name, report, expected] of table) {
    it(`${name}: ${expected.join(' / ')} under regression / proposal / never`, () => {
      const got = (['regression', 'proposal', 'never'] as const).map(
        (failOn) => conclusionOf(report, { failOn }).conclusion,
      );
      expect(got).toEqual(expected);
    });
  }

  it('names the regressing change and why, and only it', () => {
    const { failure } = conclusionOf(regressing, { failOn: 'regression' });
    expect(failure).toBe('this pull request regresses validation: DECAY_RATE 0.3 → 0.6 (regresses by 0.06)');
  });

  it('names the proposals under fail-on: proposal, and fails nothing otherwise', () => {
    expect(conclusionOf(proposing, { failOn: 'proposal' }).failure).toBe(
      'the ratchet proposes changes: DECAY_RATE',
    );
    expect(conclusionOf(proposing, { failOn: 'regression' }).failure).toBeNull();
    expect(conclusionOf(regressing, { failOn: 'never' }).failure).toBeNull();
    expect(conclusionOf(quiet, { failOn: 'proposal' }).failure).toBeNull();
  });
});

describe('annotations on the constants file', () => {
  const decision = (constant: string, action: RatchetDecision['action']) =>
    ({ constant, current: 0.1, proposed: 0.3, action, reason: `${constant} reason` }) as RatchetDecision;
  it('puts a notice on each accepted line and a failure on each regressing line (line 1 when unknown)', () => {
    const report = {
      decisions: [
        decision('DECAY_RATE', 'ACCEPT'),
        decision('WF_MIN_THRESHOLD', 'REJECT'),
        decision('NOWHERE', 'ACCEPT'),
      ],
      prDelta: [
        delta('INITIAL_CONFIDENCE', 'regresses'),
        delta('UNLISTED', 'regresses'),
        delta('X', 'improves'),
      ],
    };
    const lines = new Map([
      ['DECAY_RATE', 24],
      ['WF_MIN_THRESHOLD', 44],
      ['INITIAL_CONFIDENCE', 30],
    ]);
    expect(annotations(report, 'pkg/constants.py', lines)).toEqual([
      {
        path: 'pkg/constants.py',
        startLine: 24,
        endLine: 24,
        level: 'notice',
        title: 'DECAY_RATE: 0.1 → 0.3',
        message: 'DECAY_RATE reason',
      },
      {
        path: 'pkg/constants.py',
        startLine: 30,
        endLine: 30,
        level: 'failure',
        title: 'INITIAL_CONFIDENCE: 0.3 → 0.6 regresses',
        message: 'regresses by 0.06',
      },
      {
        path: 'pkg/constants.py',
        startLine: 1,
        endLine: 1,
        level: 'failure',
        title: 'UNLISTED: 0.3 → 0.6 regresses',
        message: 'regresses by 0.06',
      },
    ]);
  });
});

describe('the markdown of a run that could not decide', () => {
  it('names the short commit and keeps every line of the message inert in an indented code block', () => {
    const md = failureMarkdown('0123456789abcdef', 'Redis refused: **bold**\n<img src=x>\n| a | b |');
    expect(md).toBe(
      '**❌ memory-ratchet could not evaluate 0123456**: no decision was made.\n\n' +
        '    Redis refused: **bold**\n    <img src=x>\n    | a | b |\n',
    );
  });
});
