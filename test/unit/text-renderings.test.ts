import { describe, expect, it } from 'vitest';
import { parseConstantsFile } from '../../src/constants/parse-file.js';
import { wilson } from '../../src/ratchet/calibration.js';
import { calibrationReport, calibrationText, rateText } from '../../src/report/calibration-text.js';
import { constantsJson, constantsText } from '../../src/report/constants-listing.js';
import { fixed, interval, signedInterval, table } from '../../src/report/format.js';
import { type ReplayReport, replayJson, replayText } from '../../src/report/replay-text.js';
import { bootstrapInterval, excludesZero, mean, meanInterval, quantile } from '../../src/stats/bootstrap.js';

// Each expected text is written out in full: the product's terminal format, checked by eye once.

describe('memory-ratchet constants', () => {
  const source =
    'class Defaults:\n    DECAY_RATE = 0.1\n    NAME = "x = 1"\n    FLAG = True\n    PAIR = (1, None)\n    EXPR = 2 * 3\n    OFF = False\n';
  const parsed = parseConstantsFile(source, 'c.py', {});
  it('lists every assignment with its Python spelling, line and whether it is tunable, then the warnings', () => {
    expect(constantsText({ parsed, warnings: ['c.py:9: w'] })).toBe(
      [
        'c.py (python, class Defaults): 6 constants',
        '  name        value         line  ',
        '  DECAY_RATE  0.1              2  tunable',
        '  NAME        "x = 1"          3  not tunable: a string',
        '  FLAG        True             4  tunable',
        '  PAIR        (1, None)        5  not tunable: a tuple',
        '  EXPR        (expression)     6  not tunable: not a literal',
        '  OFF         False            7  tunable',
        '',
        'warnings:',
        '  c.py:9: w',
        '',
      ].join('\n'),
    );
    expect(constantsText({ parsed, warnings: [] })).not.toContain('warnings:');
  });

  it('gives the same as JSON, with null for what is not a literal and the reason only when not tunable', () => {
    const json = JSON.parse(constantsJson({ parsed, warnings: ['w'] }));
    expect(json.file).toBe('c.py');
    expect(json.class).toBe('Defaults');
    expect(json.warnings).toEqual(['w']);
    expect(json.constants[0]).toEqual({ name: 'DECAY_RATE', value: 0.1, line: 2, tunable: true });
    expect(json.constants[4]).toEqual({
      name: 'EXPR',
      value: null,
      line: 6,
      tunable: false,
      reason: 'not a literal: not tunable',
    });
    const yaml = parseConstantsFile('DECAY_RATE: 0.2\n', 'c.yaml', {});
    expect(constantsText({ parsed: yaml, warnings: [] }).split('\n')[0]).toBe('c.yaml (yaml): 1 constants');
    expect(JSON.parse(constantsJson({ parsed: yaml, warnings: [] })).class).toBeNull();
  });
});

describe('memory-ratchet replay', () => {
  const report: ReplayReport = {
    name: 'demo',
    redis: 'server',
    constants: { DECAY_RATE: 0.3 },
    filtered: ['junk1', 'junk2'],
    queries: [
      {
        label: 'q1',
        at: 86400,
        ranking: [
          { id: 'a', score: 0.5 },
          { id: 'longer-id', score: 1 / 3 },
        ],
        metrics: { 'ndcg@5': 0.9, 'ndcg@10': 0.95, 'p@5': 0.4, 'p@10': 0.2, mrr: 1 },
      },
      { label: 'q2', at: 0, ranking: [] },
    ],
  };
  it('prints the overrides, the filtered saves, and each query’s ranking with scores and metrics', () => {
    expect(replayText(report, { DECAY_RATE: 0.3, FLAG: true })).toBe(
      [
        'scenario demo (redis: server)',
        'constants: DECAY_RATE=0.3, FLAG=true',
        'rejected by the write filter: junk1, junk2',
        '',
        'query q1 at 1970-01-02T00:00:00.000Z (86400)',
        '   1. a          0.5000000000',
        '   2. longer-id  0.3333333333',
        '  nDCG@5 0.9000  nDCG@10 0.9500  P@5 0.40  P@10 0.20  MRR 1.0000',
        '',
        'query q2 at 1970-01-01T00:00:00.000Z (0)',
        '  (no records)',
        '',
      ].join('\n'),
    );
    expect(replayText({ ...report, filtered: [], queries: [] }, {})).toBe(
      'scenario demo (redis: server)\nconstants: registry defaults\n',
    );
  });

  it('gives the same as JSON', () => {
    expect(JSON.parse(replayJson(report))).toEqual({
      name: 'demo',
      redis: 'server',
      constants: { DECAY_RATE: 0.3 },
      filtered: ['junk1', 'junk2'],
      queries: JSON.parse(JSON.stringify(report.queries)),
    });
  });
});

describe('number formatting', () => {
  it('prints a dash for a missing number, fixed digits otherwise, and signed intervals', () => {
    expect([fixed(null), fixed(undefined), fixed(Number.NaN), fixed(0.12345), fixed(0.5, 1)]).toEqual([
      '—',
      '—',
      '—',
      '0.1235',
      '0.5',
    ]);
    expect(interval([0.1, 0.25])).toBe('[0.100, 0.250]');
    expect(interval(null)).toBe('');
    expect(signedInterval([-0.1, 0.25], 2)).toBe('[-0.10, +0.25]');
    expect(signedInterval(undefined)).toBe('');
  });

  it('aligns table columns, leaving the last one unpadded and no trailing spaces', () => {
    expect(
      table([
        ['a', 'bb', 'c'],
        ['ddd', 'e', ''],
      ]),
    ).toEqual(['  a    bb  c', '  ddd  e']);
    expect(table([['x', 'y']], '')).toEqual(['x  y']);
  });
});

describe('bootstrap helpers', () => {
  it('interpolates quantiles linearly (type 7) and gives NaN for nothing', () => {
    const sorted = [1, 2, 4, 8];
    // position = (n − 1)·q: q = 0.5 → 1.5, between 2 and 4; q = 0.9 → 2.7, between 4 and 8.
    expect(quantile(sorted, 0.5)).toBe(3);
    expect(quantile(sorted, 0.9)).toBeCloseTo(4 + 4 * 0.7, 12);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 1)).toBe(8);
    expect(quantile([], 0.5)).toBeNaN();
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
  });

  it('resamples every index of every resample, seeded, and says when an interval excludes zero', () => {
    let calls = 0;
    const seen = new Set<number>();
    const interval = bootstrapInterval(
      3,
      (indices) => {
        calls++;
        expect(indices.length).toBe(3);
        for (const i of indices) seen.add(i);
        return indices.reduce((a, i) => a + i, 0);
      },
      { seed: 's', resamples: 400, confidence: 0.9 },
    );
    expect(calls).toBe(400);
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(interval[0]).toBeLessThan(interval[1]);
    expect(interval[0]).toBeGreaterThanOrEqual(0);
    expect(interval[1]).toBeLessThanOrEqual(6);
    expect(bootstrapInterval(0, () => 1, { seed: 's' })).toEqual([Number.NaN, Number.NaN]);
    expect(meanInterval([2, 2, 2], { seed: 's', resamples: 50 })).toEqual([2, 2]);
    expect([
      excludesZero([0.1, 0.2]),
      excludesZero([-0.2, -0.1]),
      excludesZero([-0.1, 0.1]),
      excludesZero([0, 0.1]),
    ]).toEqual([true, true, false, false]);
  });
});

describe('memory-ratchet calibrate', () => {
  const bank = (b: number, fullNull: number, power: number, powerTrials = 400) => ({
    bank: b,
    proposals: ['A', 'B'],
    validationScenarios: 135,
    confirmationScenarios: 60,
    fullNull: wilson(fullNull, 200),
    boundaryNull: wilson(5, 200),
    power: wilson(power, powerTrials),
  });
  const settings = {
    runs: 200,
    planted: 0.03,
    threshold: 0.01,
    alpha: 0.05,
    seeds: 50,
    maxSeeds: 400,
    confirmSeeds: 60,
  };
  it('pools the banks, counts those with power ≥ 80 %, and prints the table with Wilson intervals', () => {
    const report = calibrationReport(
      [bank(1, 0, 360), bank(2, 1, 300)],
      settings,
      12.34,
      'npx memory-ratchet calibrate --banks 1-2',
    );
    expect(report.schema).toBe('memory-ratchet/calibration@1');
    expect(report.pooled.fullNull).toEqual(wilson(1, 400));
    expect(report.pooled.boundaryNull).toEqual(wilson(10, 400));
    expect(report.pooled.power).toEqual(wilson(660, 800));
    expect(report.banksWithPower80).toBe(1);
    expect(calibrationText(report)).toBe(
      [
        'CALIBRATION',
        '===========',
        '200 sign-flip runs per bank · threshold 0.01 · α 0.05 · planted effect threshold + 0.03 · 50 seeds, budget 400, 60 confirmation · 12.3 s',
        '',
        '  bank  proposals  validation  full null: runs accepting        boundary null: runs accepting    power',
        '  1     2          135         0.00 % [0.00 %, 1.88 %] (0/200)  2.50 % [1.07 %, 5.72 %] (5/200)  90.00 % [86.67 %, 92.57 %] (360/400)',
        '  2     2          135         0.50 % [0.09 %, 2.78 %] (1/200)  2.50 % [1.07 %, 5.72 %] (5/200)  75.00 % [70.53 %, 78.99 %] (300/400)',
        '',
        'false accepts per run (full null):        0.25 % [0.04 %, 1.40 %] (1/400)',
        'accepts per run at the threshold (size):  2.50 % [1.36 %, 4.54 %] (10/400)  (α = 0.05)',
        'planted effects accepted (power):         82.50 % [79.71 %, 84.98 %] (660/800); banks with power ≥ 80 %: 1 of 2',
        '',
        'Reproduce: npx memory-ratchet calibrate --banks 1-2',
        '',
      ].join('\n'),
    );
  });

  it('says n/a for a rate without trials, and does not count such a bank as powered', () => {
    const report = calibrationReport([bank(3, 0, 0, 0)], settings, 1, 'x');
    expect(report.banksWithPower80).toBe(0);
    expect(rateText(report.banks[0]!.power)).toBe('n/a');
    // Wilson 0/200: the upper bound z²/(n + z²) = 3.8415 / 203.8415.
    expect(rateText(wilson(0, 200))).toBe('0.00 % [0.00 %, 1.88 %] (0/200)');
    expect(calibrationReport([bank(4, 0, 320)], settings, 1, 'x').banksWithPower80).toBe(1); // exactly 80 %
  });
});
