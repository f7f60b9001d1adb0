import { describe, expect, it } from 'vitest';
import type { ConstantValue } from '../../src/constants/registry.js';
import { findConstant } from '../../src/constants/registry.js';
import { type Constants, defaultConstants, withOverrides } from '../../src/constants/values.js';
import {
  closestTo,
  contiguousAround,
  curveMeans,
  degeneratePoints,
  type EdgeStop,
  jointSearch,
  MAX_EXTENSION_STEPS,
  MAX_JOINT_PASSES,
  mergeStops,
  nearOptimal,
  nextOutward,
  type ScoredRun,
  searchCurve,
} from '../../src/ratchet/search.js';
import type { ScenarioSlice } from '../../src/scenarios/factory/scenario-bank.js';
import type { PointScore, SweepPoint } from '../../src/sweep/runner.js';

// Every expected curve below is worked by hand from the stated score function: the grid (plus the current
// value and the constants' own value), then outward steps of twice the last gap, halving toward an open
// bound, the bound itself when closed, and stopping below 1 % of the grid's span.

const spec = (name: string) => findConstant(name)!;
const slice: ScenarioSlice = { role: 'train', from: 0, to: 3 };

const ok = (scenario: string, ndcg: number, mrr = ndcg): PointScore => ({
  scenario,
  status: 'ok',
  metrics: { 'ndcg@5': ndcg, 'ndcg@10': 0, 'p@5': 0, 'p@10': 0, mrr },
  calibrationError: null,
  rankingHash: 'h',
  durationMs: 0,
});

/** Scores every scenario of the slice with `score` of the effective constants, and records each call. */
function evaluatorOf(score: (c: Record<string, number>) => number, base: Constants = defaultConstants()) {
  const calls: Record<string, ConstantValue>[] = [];
  const evaluator: ScoredRun = {
    async run(overrides, s) {
      calls.push({ ...overrides });
      const value = score(withOverrides(base, overrides) as Record<string, number>);
      return Array.from({ length: s.to - s.from }, (_, i) => ok(`s${s.from + i}`, value));
    },
  };
  return { evaluator, calls };
}

const point = (value: number, p: PointScore, extra: Partial<SweepPoint> = {}): SweepPoint => ({
  constant: 'X',
  value,
  ...p,
  ...extra,
});

describe('curveMeans', () => {
  it('averages each value over the scenarios scored at every value, ascending, ignoring degenerate values', () => {
    const error: PointScore = { ...ok('s3', 0), status: 'error', metrics: null };
    const points = [
      point(0.2, ok('s1', 0.5, 0.25)),
      point(0.2, ok('s2', 0.7, 0.75)),
      point(0.2, error),
      point(0.1, ok('s1', 0.1, 1)),
      point(0.1, ok('s2', 0.3, 0)),
      point(0.1, ok('s3', 0.9)),
      point(0.1, ok('s4', 0.9)),
      point(0.05, { ...ok('*', 0), status: 'skipped-degenerate', metrics: null }, { degenerateValue: true }),
    ];
    expect(curveMeans(points, 'ndcg@5')).toEqual([
      { value: 0.1, mean: (0.1 + 0.3) / 2 },
      { value: 0.2, mean: (0.5 + 0.7) / 2 },
    ]);
    expect(curveMeans(points, 'mrr')).toEqual([
      { value: 0.1, mean: 0.5 },
      { value: 0.2, mean: 0.5 },
    ]);
  });

  it('leaves out a scenario whose metrics are missing at some value', () => {
    const points = [
      point(1, ok('a', 0.2)),
      point(1, ok('b', 0.4)),
      point(2, ok('a', 0.6)),
      point(2, { ...ok('b', 0), metrics: null }),
    ];
    expect(curveMeans(points, 'ndcg@5')).toEqual([
      { value: 1, mean: 0.2 },
      { value: 2, mean: 0.6 },
    ]);
  });
});

describe('nextOutward, the edge cases', () => {
  const decay = spec('DECAY_RATE'); // (0, 2]
  const events = spec('MIN_EVENTS_FOR_CRYSTALLIZATION'); // integer ≥ 1
  const constants = defaultConstants();

  it('needs two values to know the gap, and reads them in any order', () => {
    expect(nextOutward(decay, [0.5], 'high', constants, 1)).toBeNull();
    expect(nextOutward(decay, [1, 0.5, 0.75], 'high', constants, 1)).toBe(1.5);
    expect(nextOutward(decay, [1, 0.5, 0.75], 'low', constants, 1)).toBe(0.25);
  });

  it('halves toward an open bound when the step lands exactly on it', () => {
    expect(nextOutward(decay, [0.375, 0.25], 'low', constants, 1)).toBe(0.125);
  });

  it('stops at a step of exactly the resolution only when it is shorter', () => {
    // 1.75 → 2 (closed bound) is a step of 0.25 = 1 % of a span of 25: kept.
    expect(nextOutward(decay, [1.5, 1.75], 'high', constants, 25)).toBe(2);
    expect(nextOutward(decay, [1.5, 1.75], 'high', constants, 25.01)).toBeNull();
  });

  it('rounds integer constants and moves them at least one', () => {
    expect(nextOutward(events, [2, 2.5], 'high', constants, 1)).toBe(4);
    expect(nextOutward(events, [2, 3], 'low', constants, 1)).toBe(1);
    expect(nextOutward(events, [3, 4], 'low', constants, 1)).toBe(1);
  });

  it('keeps six significant digits', () => {
    expect(nextOutward(decay, [0.1, 0.3], 'high', constants, 0.1)).toBe(0.7);
  });
});

describe('searchCurve', () => {
  it('extends upward past the grid, doubling the step, to a closed bound, then stops at the range end', async () => {
    const { evaluator, calls } = evaluatorOf((c) => c.DECAY_RATE!);
    const curve = await searchCurve(
      evaluator,
      spec('DECAY_RATE'),
      defaultConstants(),
      { TD_ALPHA: 0.2 },
      slice,
      {
        metric: 'ndcg@5',
        current: 0.1,
        extend: true,
        grid: [0.1, 0.2, 0.3],
      },
    );
    expect(curve.constant).toBe('DECAY_RATE');
    expect(curve.extended).toEqual([0.5, 0.9, 1.7, 2]);
    expect(curve.stop).toEqual({ low: 'grid', high: 'range-end' });
    expect(curve.means.map((m) => m.value)).toEqual([0.1, 0.2, 0.3, 0.5, 0.9, 1.7, 2]);
    for (const m of curve.means) expect(m.mean).toBeCloseTo(m.value, 12);
    expect(curve.degenerate).toEqual([]);
    expect(curve.points).toHaveLength(7 * 3);
    expect(curve.points[0]).toMatchObject({ constant: 'DECAY_RATE', value: 0.1, scenario: 's0' });
    expect(curve.points.at(-1)).toMatchObject({ constant: 'DECAY_RATE', value: 2, scenario: 's2' });
    // The fixed overrides go with every call; the value varies.
    expect(calls.map((c) => c.DECAY_RATE)).toEqual([0.1, 0.2, 0.3, 0.5, 0.9, 1.7, 2]);
    for (const call of calls) expect(call.TD_ALPHA).toBe(0.2);
  });

  it('extends downward, halving toward the open bound 0, until the step falls under the resolution', async () => {
    const { evaluator } = evaluatorOf((c) => -c.DECAY_RATE!);
    // The constants' own value (0.1) joins the grid and the current value 0.4: span 0.7, resolution 0.007.
    const curve = await searchCurve(evaluator, spec('DECAY_RATE'), defaultConstants(), {}, slice, {
      metric: 'ndcg@5',
      current: 0.4,
      extend: true,
      grid: [0.2, 0.8],
    });
    expect(curve.extended).toEqual([0.05, 0.025, 0.0125]);
    expect(curve.stop).toEqual({ low: 'range-end', high: 'grid' });
    expect(curve.means.map((m) => m.value)).toEqual([0.0125, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8]);
  });

  it(`gives up after ${MAX_EXTENSION_STEPS} outward steps on an unbounded range`, async () => {
    const { evaluator } = evaluatorOf((c) => c.MIN_EVENTS_FOR_CRYSTALLIZATION!);
    const curve = await searchCurve(
      evaluator,
      spec('MIN_EVENTS_FOR_CRYSTALLIZATION'),
      defaultConstants(),
      {},
      slice,
      { metric: 'ndcg@5', current: 3, extend: true, grid: [1, 2] },
    );
    expect(curve.extended).toEqual([5, 9, 17, 33, 65, 129]);
    expect(curve.stop).toEqual({ low: 'grid', high: 'limit' });
  });

  it('does not extend a flat curve, a curve whose best is inside, or when not asked', async () => {
    const options = { metric: 'ndcg@5' as const, current: 0.1, grid: [0.1, 0.2, 0.3] };
    const flat = await searchCurve(
      evaluatorOf(() => 0.5).evaluator,
      spec('DECAY_RATE'),
      defaultConstants(),
      {},
      slice,
      {
        ...options,
        extend: true,
      },
    );
    expect(flat.extended).toEqual([]);
    expect(flat.stop).toEqual({ low: 'grid', high: 'grid' });
    const peaked = await searchCurve(
      evaluatorOf((c) => -((c.DECAY_RATE! - 0.2) ** 2)).evaluator,
      spec('DECAY_RATE'),
      defaultConstants(),
      {},
      slice,
      { ...options, extend: true },
    );
    expect(peaked.extended).toEqual([]);
    const rising = await searchCurve(
      evaluatorOf((c) => c.DECAY_RATE!).evaluator,
      spec('DECAY_RATE'),
      defaultConstants(),
      {},
      slice,
      { ...options, extend: false },
    );
    expect(rising.extended).toEqual([]);
    expect(rising.means.map((m) => m.value)).toEqual([0.1, 0.2, 0.3]);
  });

  it('runs extra values that lie in range, and reports grid values outside it as degenerate', async () => {
    const { evaluator, calls } = evaluatorOf((c) => -((c.DECAY_RATE! - 0.2) ** 2));
    const curve = await searchCurve(evaluator, spec('DECAY_RATE'), defaultConstants(), {}, slice, {
      metric: 'ndcg@5',
      current: 0.1,
      extend: false,
      grid: [0, 0.2, 3],
      extra: [1.5, 2.5, 0.2],
    });
    expect(curve.means.map((m) => m.value)).toEqual([0.1, 0.2, 1.5]);
    expect(calls).toHaveLength(3);
    expect(curve.degenerate).toEqual([0, 3]);
  });
});

describe('near-optimal intervals and nearest values', () => {
  it('grows the interval both ways while the means stay within the threshold, the threshold included', () => {
    const means = [
      { value: 0.5, mean: 0.3 },
      { value: 0.1, mean: 0.4 },
      { value: 0.2, mean: 0.5 },
      { value: 0.3, mean: 0.45 },
      { value: 0.4, mean: 0.6 },
    ];
    expect(nearOptimal(means, 0.1, 0.15)).toEqual({
      from: 0.2,
      to: 0.4,
      values: [0.2, 0.3, 0.4],
      best: { value: 0.4, mean: 0.6 },
    });
    expect(nearOptimal(means, 0.1, 0.2)).toMatchObject({ from: 0.1, to: 0.4 });
    expect(nearOptimal(means, 0.1, 0.3)).toMatchObject({
      from: 0.1,
      to: 0.5,
      values: [0.1, 0.2, 0.3, 0.4, 0.5],
    });
    expect(nearOptimal(means, 0.1, 0)).toMatchObject({ from: 0.4, to: 0.4, values: [0.4] });
    expect(nearOptimal([], 0.1, 0.1)).toBeNull();
  });

  it('finds the nearest value whatever the order, ties to the smaller', () => {
    expect(closestTo([0.9, 0.5, 0.1], 0.45)).toBe(0.5);
    expect(closestTo([0.9, 0.5, 0.1], 0.3)).toBe(0.1);
    expect(closestTo([4, 2], 3)).toBe(2);
    expect(closestTo([2, 4], 3)).toBe(2);
    expect(closestTo([5], -1)).toBe(5);
  });

  it('takes the run of in-threshold values around a point, or the point alone', () => {
    const means = [3, 1, 2, 5, 4].map((value) => ({ value, mean: 0 }));
    const within = [1, 2, 3, 5].map((value) => ({ value }));
    expect(contiguousAround(means, within, 2)).toEqual([1, 2, 3]);
    expect(contiguousAround(means, within, 1)).toEqual([1, 2, 3]);
    expect(contiguousAround(means, within, 5)).toEqual([5]);
    expect(contiguousAround(means, within, 4)).toEqual([4]); // not within
    expect(contiguousAround(means, within, 7)).toEqual([7]); // not evaluated
  });
});

describe('edge stops of an axis searched more than once', () => {
  const cases: [EdgeStop | undefined, EdgeStop, EdgeStop][] = [
    [undefined, 'grid', 'grid'],
    [undefined, 'limit', 'limit'],
    [undefined, 'range-end', 'range-end'],
    ['grid', 'grid', 'grid'],
    ['grid', 'limit', 'limit'],
    ['limit', 'grid', 'limit'],
    ['range-end', 'grid', 'range-end'],
    ['range-end', 'limit', 'range-end'],
    ['limit', 'range-end', 'range-end'],
    ['grid', 'range-end', 'range-end'],
    ['limit', 'limit', 'limit'],
  ];
  it.each(cases)(
    '%s then %s → %s (a range end found once stays found; a limit beats the grid)',
    (a, b, expected) => {
      const earlier = a === undefined ? undefined : { low: a, high: 'grid' as const };
      expect(mergeStops(earlier, { low: b, high: 'grid' })).toEqual({ low: expected, high: 'grid' });
      const earlierHigh = a === undefined ? undefined : { low: 'grid' as const, high: a };
      expect(mergeStops(earlierHigh, { low: 'grid', high: b })).toEqual({ low: 'grid', high: expected });
    },
  );
});

describe('joint search, worked by hand', () => {
  const members = ['MIN_EVENTS_FOR_CRYSTALLIZATION', 'INITIAL_CYCLE_AMPLITUDE'].map(spec);
  // Defaults: MIN_EVENTS 3 (grid 1 2 3 5 8 12 20), INITIAL_CYCLE_AMPLITUDE 0.5 (grid 0.1 0.25 0.5 0.75 1 2).
  const separable = (c: Record<string, number>) =>
    -((c.MIN_EVENTS_FOR_CRYSTALLIZATION! - 5) ** 2) - (c.INITIAL_CYCLE_AMPLITUDE! - 0.75) ** 2;

  it('climbs to the joint best in one pass, confirms it in a second, then moves each back within the threshold', async () => {
    const { evaluator } = evaluatorOf(separable);
    const exact = await jointSearch(evaluator, members, defaultConstants(), slice, {
      metric: 'ndcg@5',
      threshold: 0,
      extend: true,
    });
    expect(exact.passes).toBe(2);
    expect(exact.bestMean).toBe(0);
    expect(exact.proposal).toEqual({ MIN_EVENTS_FOR_CRYSTALLIZATION: 5, INITIAL_CYCLE_AMPLITUDE: 0.75 });
    expect(exact.proposalMean).toBe(0);
    expect(exact.region).toEqual({
      MIN_EVENTS_FOR_CRYSTALLIZATION: [5, 5],
      INITIAL_CYCLE_AMPLITUDE: [0.75, 0.75],
    });

    // Threshold 4.5: MIN_EVENTS may go back to 3 (mean −4 ≥ −4.5); then, with it at 3, the amplitude may go
    // back to 0.5 (−4 − 0.0625). The regions are read at the proposal.
    const loose = await jointSearch(evaluator, members, defaultConstants(), slice, {
      metric: 'ndcg@5',
      threshold: 4.5,
      extend: true,
    });
    expect(loose.proposal).toEqual({ MIN_EVENTS_FOR_CRYSTALLIZATION: 3, INITIAL_CYCLE_AMPLITUDE: 0.5 });
    expect(loose.proposalMean).toBe(-4.0625);
    expect(loose.bestMean).toBe(0);
    expect(loose.region).toEqual({
      MIN_EVENTS_FOR_CRYSTALLIZATION: [3, 5],
      INITIAL_CYCLE_AMPLITUDE: [0.1, 1],
    });
    expect(loose.curves.get('INITIAL_CYCLE_AMPLITUDE')!.means.map((m) => m.value)).toEqual([
      0.1, 0.25, 0.5, 0.75, 1, 2,
    ]);
    expect([...loose.curves.keys()]).toEqual(['MIN_EVENTS_FOR_CRYSTALLIZATION', 'INITIAL_CYCLE_AMPLITUDE']);
  });

  it(`stops after ${MAX_JOINT_PASSES} passes when every pass still moves, keeping how each axis search ended`, async () => {
    const { evaluator } = evaluatorOf((c) => c.MIN_EVENTS_FOR_CRYSTALLIZATION! + c.INITIAL_CYCLE_AMPLITUDE!);
    const result = await jointSearch(evaluator, members, defaultConstants(), slice, {
      metric: 'ndcg@5',
      threshold: 0,
      extend: true,
    });
    expect(result.passes).toBe(MAX_JOINT_PASSES);
    // The final curves are not extended, but report the limit their searches met.
    for (const curve of result.curves.values()) expect(curve.stop).toEqual({ low: 'grid', high: 'limit' });
    const events = result.proposal.MIN_EVENTS_FOR_CRYSTALLIZATION!;
    // Pass 1: 10 → 6 steps of doubling gaps from 5..10: 20, 40, 80, 160, 320, 640; each pass 6 more.
    expect(result.curves.get('MIN_EVENTS_FOR_CRYSTALLIZATION')!.means.at(-1)!.value).toBe(events);
    expect(result.bestMean).toBe(events + result.proposal.INITIAL_CYCLE_AMPLITUDE!);
  });

  it('keeps the current values when nothing beats them', async () => {
    const { evaluator } = evaluatorOf(() => 1);
    const result = await jointSearch(evaluator, members, defaultConstants(), slice, {
      metric: 'ndcg@5',
      threshold: 0,
      extend: true,
    });
    expect(result.passes).toBe(1);
    expect(result.proposal).toEqual({ MIN_EVENTS_FOR_CRYSTALLIZATION: 3, INITIAL_CYCLE_AMPLITUDE: 0.5 });
    expect(result.region).toEqual({
      MIN_EVENTS_FOR_CRYSTALLIZATION: [1, 20],
      INITIAL_CYCLE_AMPLITUDE: [0.1, 2],
    });
  });
});

describe('degenerate points', () => {
  it('are skipped summary points naming the value and why', () => {
    expect(degeneratePoints('DECAY_RATE', [0, 3])).toEqual([
      {
        constant: 'DECAY_RATE',
        value: 0,
        scenario: '*',
        status: 'skipped-degenerate',
        reason: 'DECAY_RATE = 0 is outside the valid range: degenerate, not run',
        metrics: null,
        calibrationError: null,
        rankingHash: null,
        durationMs: 0,
        degenerateValue: true,
      },
      expect.objectContaining({
        value: 3,
        reason: 'DECAY_RATE = 3 is outside the valid range: degenerate, not run',
      }),
    ]);
  });
});
