import { describe, expect, it } from 'vitest';
import { parseConstantsFile } from '../../src/constants/parse-file.js';
import { proposedDiff } from '../../src/ratchet/proposal-diff.js';
import type { RatchetDecision } from '../../src/ratchet/ratchet.js';
import { durationStats } from '../../src/stats/durations.js';

const decision = (constant: string, action: RatchetDecision['action'], proposed: number | null) =>
  ({ constant, current: 0.1, proposed, action, reason: '' }) as unknown as RatchetDecision;

function source(text: string, encoding: 'utf-8' | 'utf-8-sig' | 'latin-1' = 'utf-8') {
  return {
    path: 'pkg/constants.py',
    source: text,
    parsed: parseConstantsFile(text, 'pkg/constants.py', {}),
    encoding,
  };
}

const FILE = 'class Defaults:\n    DECAY_RATE = 0.1\n    WF_MIN_THRESHOLD = "0.1"\n    TD_ALPHA = 0.2\n';

describe('the proposed-defaults diff', () => {
  it('rewrites accepted changes only, as a unified diff git applies, and says why any cannot be written', () => {
    const diff = proposedDiff(
      [
        decision('DECAY_RATE', 'ACCEPT', 0.3),
        decision('TD_ALPHA', 'REJECT', 0.5), // rejected: left alone
        decision('WF_MIN_THRESHOLD', 'ACCEPT', 0.2), // a string in the file: not tunable
        decision('delta', 'ACCEPT', 0.2), // a code default, not a Defaults attribute
        decision('INITIAL_CONFIDENCE', 'ACCEPT', 0.6), // not assigned in the file
        decision('CO_OCCURRENCE_DECAY_PER_HOP', 'ACCEPT', null), // nothing proposed
      ],
      source(FILE),
    );
    expect(diff.path).toBe('pkg/constants.py');
    expect(diff.encoding).toBe('utf-8');
    expect(diff.text).toBe(
      [
        'diff --git a/pkg/constants.py b/pkg/constants.py',
        '--- a/pkg/constants.py',
        '+++ b/pkg/constants.py',
        '@@ -1,4 +1,4 @@',
        ' class Defaults:',
        '-    DECAY_RATE = 0.1',
        '+    DECAY_RATE = 0.3',
        '     WF_MIN_THRESHOLD = "0.1"',
        '     TD_ALPHA = 0.2',
        '',
      ].join('\n'),
    );
    expect(diff.edits.map((e) => [e.name, e.line, e.old, e.new])).toEqual([['DECAY_RATE', 2, '0.1', '0.3']]);
    expect(diff.notApplicable).toEqual([
      { constant: 'WF_MIN_THRESHOLD', reason: 'a string: not tunable in pkg/constants.py' },
      {
        constant: 'delta',
        reason:
          'a code default, not a Defaults attribute: change the `delta=0.05` default argument of `CoOccurrenceField.strengthen()` in src/popoto/fields/co_occurrence_field.py',
      },
      { constant: 'INITIAL_CONFIDENCE', reason: 'not assigned in pkg/constants.py: add it to the class' },
    ]);
  });

  it('gives an empty diff when nothing is accepted, keeps a byte-order mark, and marks latin-1 files', () => {
    expect(proposedDiff([decision('DECAY_RATE', 'REJECT', 0.3)], source(FILE)).text).toBe('');
    const bom = proposedDiff(
      [decision('DECAY_RATE', 'ACCEPT', 0.3)],
      source('class Defaults:\n    DECAY_RATE = 0.1\n', 'utf-8-sig'),
    );
    expect(bom.text).toContain('\n \uFEFFclass Defaults:\n');
    expect(bom.encoding).toBe('utf-8');
    expect(proposedDiff([], source(FILE, 'latin-1')).encoding).toBe('latin-1');
  });
});

describe('duration statistics', () => {
  it('gives nearest-rank percentiles, mean, extremes and total, rounded to the microsecond', () => {
    const ms = Array.from({ length: 100 }, (_, i) => 100 - i + 0.00049); // 1 … 100, shuffled order
    expect(durationStats(ms)).toEqual({
      count: 100,
      p50Ms: 50,
      p95Ms: 95,
      p99Ms: 99,
      meanMs: 50.5,
      minMs: 1,
      maxMs: 100,
      totalMs: 5050.049,
    });
    expect(durationStats([2.5])).toMatchObject({ count: 1, p50Ms: 2.5, p99Ms: 2.5, meanMs: 2.5 });
    expect(durationStats([])).toEqual({
      count: 0,
      p50Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
      meanMs: 0,
      minMs: 0,
      maxMs: 0,
      totalMs: 0,
    });
  });
});
